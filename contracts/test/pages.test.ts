import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import formbody from "@fastify/formbody";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PAGE_HEADERS,
  createOriginCheck,
  createPageRenderer,
  pageLocale,
  prefersHtml,
  sendPage,
  setPageErrorHandler,
} from "../src/http/index.js";

const PUBLIC_BASE_URL = "https://coffer.example";
const renderer = createPageRenderer(new URL("pages/", import.meta.url));
const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
let app: FastifyInstance;

beforeAll(async () => {
  app = Fastify({ logger: false });
  await app.register(async (pages) => {
    await pages.register(formbody);
    setPageErrorHandler(pages, renderer);
    pages.get("/sample", async (request, reply) =>
      sendPage(reply, 200, renderer.render("sample", pageLocale(request), { sharer: "<script>x</script>" })),
    );
    pages.post(
      "/sample",
      {
        preHandler: createOriginCheck(PUBLIC_BASE_URL, renderer),
        schema: { body: { type: "object", required: ["email"], properties: { email: { type: "string" } } } },
      },
      async (request, reply) =>
        sendPage(
          reply,
          400,
          renderer.render("sample", pageLocale(request), {
            values: request.body,
            errors: { email: "Not an address" },
          }),
        ),
    );
  });
  await app.ready();
});
afterAll(() => app.close());

const accepting = (accept?: string) => ({ headers: accept === undefined ? {} : { accept } });

describe("contracts: the page kit", () => {
  it("when a browser navigates, then it prefers HTML; API clients, */* and no Accept keep JSON", () => {
    expect(prefersHtml(accepting(BROWSER_ACCEPT))).toBe(true);
    expect(prefersHtml(accepting("text/html"))).toBe(true);
    expect(prefersHtml(accepting())).toBe(false);
    expect(prefersHtml(accepting("*/*"))).toBe(false);
    expect(prefersHtml(accepting("application/json"))).toBe(false);
    expect(prefersHtml(accepting("application/json, text/html;q=0.9"))).toBe(false);
  });

  it("when a locale is chosen, then the account's wins, then Accept-Language, then English", () => {
    const lang = (value?: string) => ({ headers: value === undefined ? {} : { "accept-language": value } });
    expect(pageLocale(lang("fr-FR,fr;q=0.9"), "en")).toBe("en");
    expect(pageLocale(lang("en"), "fr-CA")).toBe("fr");
    expect(pageLocale(lang("fr-CH, de;q=0.8"))).toBe("fr");
    expect(pageLocale(lang("de"), "de")).toBe("en");
    expect(pageLocale(lang())).toBe("en");
  });

  it("when a page is sent, then it carries the safety headers, a CSP allowing only the inlined stylesheet", async () => {
    const response = await app.inject({ url: "/sample", headers: { accept: BROWSER_ACCEPT } });
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject(PAGE_HEADERS);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(response.headers["referrer-policy"]).toBe("no-referrer");
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    const csp = String(response.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toMatch(/script-src|unsafe-inline/);
    const style = /<style>([\s\S]*?)<\/style>/.exec(response.body)![1]!;
    expect(csp).toContain(`'sha256-${createHash("sha256").update(style).digest("base64")}'`);
    const kit = (file: string) => readFileSync(new URL(`../pages/${file}`, import.meta.url), "utf8");
    expect(style).toBe(`${kit("base.css")}\n${kit("pages.css")}`);
    expect(response.body).toMatch(/^<!doctype html>/);
    expect(response.body).not.toContain("<script");
  });

  it("when attacker-controlled text is shown, then it is escaped; our own message markup is kept", async () => {
    const response = await app.inject({ url: "/sample" });
    expect(response.body).toContain("Shared by <strong>&lt;script&gt;x&lt;/script&gt;</strong>");
    expect(response.body).toContain('<html lang="en">');
    expect(response.body).toContain("<title>A sample · Coffer</title>");
    expect(response.body).toContain('<a class="skip" href="#main">Skip to content</a>');
  });

  it("when the browser asks for French, then the page is French, a missing message falls back to English", async () => {
    const response = await app.inject({ url: "/sample", headers: { "accept-language": "fr" } });
    expect(response.body).toContain('<html lang="fr">');
    expect(response.body).toContain("Une page d’exemple");
    expect(response.body).toContain("The one you registered with");
  });

  it("when a form comes back with an error, then the error sits next to its field and describes it", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/sample",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: PUBLIC_BASE_URL },
      payload: `email=${encodeURIComponent('"><img src=x>')}`,
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('<p class="error" id="email-error">Not an address</p>');
    expect(response.body).toMatch(
      /<input id="email" name="email" type="email" autocomplete="email" value="&quot;&gt;&lt;img src&#x3D;x&gt;" required aria-invalid="true" aria-describedby="email-hint email-error" autofocus \/>/,
    );
  });

  it("when a form is posted from another site, then it is refused with a page saying so (403)", async () => {
    const form = { "content-type": "application/x-www-form-urlencoded" };
    const post = (headers: Record<string, string>) =>
      app.inject({ method: "POST", url: "/sample", headers: { ...form, ...headers }, payload: "email=a%40b.c" });
    const crossSite: Record<string, string>[] = [
      { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
      { origin: "https://evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "same-site" },
      {},
    ];
    for (const headers of crossSite) {
      const refused = await post(headers);
      expect(refused.statusCode, JSON.stringify(headers)).toBe(403);
      expect(refused.headers["content-security-policy"]).toBe(PAGE_HEADERS["content-security-policy"]);
      expect(refused.body).toContain("This form was sent from another site");
    }
    expect((await post({ origin: PUBLIC_BASE_URL })).statusCode).toBe(400);
    expect((await post({ "sec-fetch-site": "same-origin" })).statusCode).toBe(400);
    expect((await post({ "sec-fetch-site": "none" })).statusCode).toBe(400);
  });

  it("when a form fails its schema, then a browser gets the error page, an API client the JSON error", async () => {
    const post = (accept: string) =>
      app.inject({
        method: "POST",
        url: "/sample",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: PUBLIC_BASE_URL, accept },
        payload: "other=1",
      });
    const page = await post(BROWSER_ACCEPT);
    expect(page.statusCode).toBe(400);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.body).toContain("This request could not be read");
    const json = await post("application/json");
    expect(json.statusCode).toBe(400);
    expect(json.headers["content-type"]).toMatch(/^application\/json/);
  });
});
