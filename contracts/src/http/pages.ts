import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import Handlebars from "handlebars";
import Negotiator from "negotiator";
import type { AppError } from "../errors.js";

/**
 * The pages people reach from Coffer's mails: server-rendered HTML that works with JavaScript off,
 * one layout and one stylesheet for every service (contracts/pages), each service's own page
 * templates and messages beside its code.
 */

export const PAGE_LOCALES = ["en", "fr"] as const;
export type PageLocale = (typeof PAGE_LOCALES)[number];
const DEFAULT_LOCALE: PageLocale = "en";

const KIT_DIRECTORY = new URL("../../pages/", import.meta.url);
/** base.css is the look the web app shares (it imports that file); pages.css what only pages need. */
const STYLESHEET = ["base.css", "pages.css"]
  .map((file) => readFileSync(new URL(file, KIT_DIRECTORY), "utf8"))
  .join("\n");
const STYLE_HASH = `'sha256-${createHash("sha256").update(STYLESHEET).digest("base64")}'`;
/** The stylesheet itself: the mail layout (notification-service) shares it. */
export const PAGE_STYLESHEET = STYLESHEET;

/** Every page's headers: no script at all, no framing, no token leaking through Referer, no copy kept. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": [
    "default-src 'none'",
    `style-src ${STYLE_HASH}`,
    "img-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; "),
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  vary: "Accept, Accept-Language",
});

/**
 * True for a browser navigation: the client prefers text/html to application/json. `*\/*`, no
 * Accept at all, or application/json keep the JSON answer API clients get today.
 */
export function prefersHtml(request: Pick<FastifyRequest, "headers">): boolean {
  return new Negotiator(request).mediaType(["application/json", "text/html"]) === "text/html";
}

/** The account's locale where known (`fr-CA` → fr), else the browser's Accept-Language, else English. */
export function pageLocale(request: Pick<FastifyRequest, "headers">, accountLocale?: string | null): PageLocale {
  const language = accountLocale?.split("-")[0]?.toLowerCase();
  const known = PAGE_LOCALES.find((l) => l === language);
  if (known) return known;
  return (new Negotiator(request).language([...PAGE_LOCALES]) as PageLocale | undefined) ?? DEFAULT_LOCALE;
}

/** Writes a rendered page with PAGE_HEADERS. */
export function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).headers(PAGE_HEADERS).send(html);
}

export type PageRenderer = {
  /**
   * The page `<directory>/<page>.hbs` inside the layout, in the locale. `{{t "key"}}` in the page
   * reads `<locale>.json` → `{ "<messages>": { "key": … } }` (messages defaults to the page's name;
   * a dotted key such as `layout.skip` is read from the top). Values are escaped by Handlebars.
   */
  render(page: string, locale: PageLocale, values?: Record<string, unknown>, messages?: string): string;
};

/** `{{field name="email" type="email" label=(t "email") hint=(t "emailHint") error=errors.email value=values.email required=true autocomplete="email"}}` */
type FieldOptions = {
  name: string;
  label: string;
  type?: string;
  hint?: string;
  error?: string;
  value?: string;
  required?: boolean;
  autocomplete?: string;
};

/**
 * A labelled input with its hint and its error right above it, both tied to it (aria-describedby);
 * a field in error is marked invalid and, the first one, takes the focus when the page comes back.
 */
function fieldHtml(field: FieldOptions): string {
  const escape = Handlebars.escapeExpression;
  const hintId = `${field.name}-hint`;
  const errorId = `${field.name}-error`;
  const describedBy = [field.hint && hintId, field.error && errorId].filter(Boolean).join(" ");
  const attributes: Record<string, string | boolean | undefined> = {
    id: field.name,
    name: field.name,
    type: field.type ?? "text",
    autocomplete: field.autocomplete,
    value: field.value,
    required: field.required,
    "aria-invalid": field.error ? "true" : undefined,
    "aria-describedby": describedBy || undefined,
    autofocus: Boolean(field.error),
  };
  const rendered = Object.entries(attributes).flatMap(([name, value]) => {
    if (value === true) return [name];
    return value ? [`${name}="${escape(value)}"`] : [];
  });
  return [
    `<div class="field">`,
    `<label for="${escape(field.name)}">${escape(field.label)}</label>`,
    field.hint ? `<p class="hint" id="${escape(hintId)}">${escape(field.hint)}</p>` : "",
    field.error ? `<p class="error" id="${escape(errorId)}">${escape(field.error)}</p>` : "",
    `<input ${rendered.join(" ")} />`,
    `</div>`,
  ].join("");
}

type Messages = { [key: string]: string | Messages };

function readMessages(directory: URL): Map<string, Messages> {
  const byLocale = new Map<string, Messages>();
  for (const locale of PAGE_LOCALES) {
    const file = new URL(`${locale}.json`, directory);
    if (existsSync(file)) byLocale.set(locale, JSON.parse(readFileSync(file, "utf8")) as Messages);
  }
  return byLocale;
}

function lookup(messages: Messages | undefined, path: string[]): string | undefined {
  let node: string | Messages | undefined = messages;
  for (const part of path) node = typeof node === "object" ? node[part] : undefined;
  return typeof node === "string" ? node : undefined;
}

/**
 * Loads the service's page templates (`<name>.hbs`) and messages (`en.json`, `fr.json`) from
 * `directory`, beside the kit's layout, stylesheet, `field` helper and error pages. A message is
 * itself a template over the `t` helper's hash (`{{t "sharedBy" name=share.sharer}}`): the values
 * are escaped, the message text is ours. A message missing in French falls back to English; one
 * missing in English throws, so a test finds it.
 */
export function createPageRenderer(directory: URL): PageRenderer {
  const hbs = Handlebars.create();
  const load = (dir: URL) =>
    readdirSync(dir)
      .filter((f) => f.endsWith(".hbs") && f !== "layout.hbs")
      .map((f) => [f.slice(0, -4), hbs.compile(readFileSync(new URL(f, dir), "utf8"), { strict: false })] as const);
  const pages = new Map([...load(KIT_DIRECTORY), ...load(directory)]);
  const layout = hbs.compile(readFileSync(new URL("layout.hbs", KIT_DIRECTORY), "utf8"));

  const kit = readMessages(KIT_DIRECTORY);
  const own = readMessages(directory);
  const compiledMessages = new Map<string, HandlebarsTemplateDelegate>();
  const message = (locale: PageLocale, section: string, key: string): string => {
    const path = key.includes(".") ? key.split(".") : [section, key];
    for (const candidate of [locale, DEFAULT_LOCALE]) {
      const found = lookup(own.get(candidate), path) ?? lookup(kit.get(candidate), path);
      if (found !== undefined) return found;
    }
    throw new Error(`page message ${path.join(".")} is missing`);
  };

  hbs.registerHelper("t", function (key: unknown, options: Handlebars.HelperOptions) {
    // `(t errors.email)` with no error: nothing, so a field shows its error only when there is one.
    if (typeof key !== "string" || key === "") return "";
    const data = options.data as { locale: PageLocale; messages: string };
    const source = message(data.locale, data.messages, key);
    let compiled = compiledMessages.get(source);
    if (!compiled) compiledMessages.set(source, (compiled = hbs.compile(source, { strict: false })));
    return new hbs.SafeString(compiled(options.hash ?? {}));
  });

  hbs.registerHelper(
    "field",
    (options: Handlebars.HelperOptions) => new hbs.SafeString(fieldHtml(options.hash as FieldOptions)),
  );

  return {
    render(page, locale, values = {}, messages = page) {
      const template = pages.get(page);
      if (!template) throw new Error(`no page template ${page}`);
      const data = { locale, messages };
      const body = template(values, { data });
      // Prettier's Handlebars printer drops a doctype from the layout: without one, quirks mode.
      return `<!doctype html>\n${layout({ body, stylesheet: STYLESHEET }, { data })}`;
    },
  };
}

/** A form post a cross-site page could make without asking (no CORS preflight): its body is a "simple" type. */
const SIMPLE_BODY = /^(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\b/i;

/**
 * True when a form post may be trusted not to come from another site: its Origin is the
 * platform's public origin, or the browser says (Sec-Fetch-Site) it came from the same origin or
 * from the person (address bar, bookmark). A JSON body passes: no page can send one cross-site
 * without a CORS preflight, which the gateway refuses to foreign origins.
 */
export function isSameSitePost(request: Pick<FastifyRequest, "headers">, publicOrigin: string): boolean {
  const contentType = request.headers["content-type"];
  if (contentType !== undefined && !SIMPLE_BODY.test(contentType)) return true;
  const fetchSite = request.headers["sec-fetch-site"];
  if (fetchSite === "same-origin" || fetchSite === "none") return true;
  return request.headers.origin === publicOrigin;
}

/**
 * A preHandler for form routes: a post that fails isSameSitePost gets the kit's 403 page and never
 * reaches the handler. `publicBaseUrl` is the service's PUBLIC_BASE_URL (the gateway's address).
 */
export function createOriginCheck(publicBaseUrl: string, renderer: PageRenderer): preHandlerAsyncHookHandler {
  const publicOrigin = new URL(publicBaseUrl).origin;
  return async (request, reply) => {
    if (isSameSitePost(request, publicOrigin)) return;
    request.log.warn({ origin: request.headers.origin ?? null }, "cross-site form post refused");
    return sendPage(reply, 403, renderer.render("error", pageLocale(request), {}, "error-403"));
  };
}

const ERROR_PAGES = new Set([400, 403, 404, 429, 503]);

/**
 * Inside a plugin that serves pages: an error (a form failing its schema, a rate limit, a database
 * down) answers a browser with the kit's error page for its status; any other client keeps the
 * `{ code, message }` answer of the handler the plugin inherited (registerHttpConventions), as the
 * OpenAPI document says.
 */
export function setPageErrorHandler(app: FastifyInstance, renderer: PageRenderer): void {
  const jsonHandler = app.errorHandler;
  app.setErrorHandler(function (error: FastifyError | AppError, request, reply) {
    // 416 belongs to a download manager resuming past the end, not to a person: it keeps its Content-Range.
    if (!prefersHtml(request) || error.statusCode === 416) return jsonHandler.call(this, error, request, reply);
    let status = error.statusCode ?? 500;
    if ((error as FastifyError).validation) status = 400;
    if (status >= 400 && status < 500 && !ERROR_PAGES.has(status)) status = 400;
    if (status >= 500) request.log.error({ err: error }, "page failed");
    const shown = ERROR_PAGES.has(status) ? status : 500;
    const messages = ERROR_PAGES.has(status) ? `error-${status}` : "error";
    return sendPage(reply, shown, renderer.render("error", pageLocale(request), {}, messages));
  });
}
