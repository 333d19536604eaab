import { existsSync, readFileSync, readdirSync } from "node:fs";
import { PAGE_STYLESHEET } from "@coffer/contracts/http";
import Handlebars from "handlebars";

/** A kind of notification, as `templates/<locale>/<kind>.json`. */
export type Kind =
  | "verify-email"
  | "welcome"
  | "password-reset"
  | "password-changed"
  | "share-created"
  | "share-opened"
  | "storage"
  | "goodbye"
  | "file-uploaded"
  | "file-trashed"
  | "file-restored"
  | "file-purged";

type Template = {
  subject?: string;
  heading?: string;
  paragraphs?: string[];
  action?: { label: string; url: string };
  /** Instead of the locale's footer: a mail to someone without an account says why they get it. */
  footer?: string;
  inbox?: { title: string; body: string };
};

export type RenderedMail = { subject: string; html: string; text: string };
export type RenderedInboxItem = { title: string; body: string; link: string | null };

export type Templates = {
  mail(kind: Kind, locale: string, vars: Record<string, unknown>): RenderedMail;
  inbox(kind: Kind, locale: string, vars: Record<string, unknown>): RenderedInboxItem;
};

const DEFAULT_LOCALE = "en";

/**
 * Loads every template once. Strings are Handlebars templates over the notification's values;
 * the shared layouts escape them into HTML. A locale falls back to its language (fr-CA → fr),
 * then to English, kind by kind.
 */
export function loadTemplates(directory: URL): Templates {
  const layouts = {
    html: Handlebars.compile(readFileSync(new URL("layout.html.hbs", directory), "utf8")),
    text: Handlebars.compile(readFileSync(new URL("layout.txt.hbs", directory), "utf8"), { noEscape: true }),
  };
  const locales = new Map<string, { common: { footer: string }; kinds: Map<string, Template> }>();
  for (const locale of readdirSync(directory).filter((d) => existsSync(new URL(`${d}/_common.json`, directory)))) {
    const dir = new URL(`${locale}/`, directory);
    const kinds = new Map<string, Template>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".json") && !f.startsWith("_"))) {
      kinds.set(file.replace(/\.json$/, ""), JSON.parse(readFileSync(new URL(file, dir), "utf8")) as Template);
    }
    locales.set(locale, { common: JSON.parse(readFileSync(new URL("_common.json", dir), "utf8")), kinds });
  }
  const cache = new Map<string, HandlebarsTemplateDelegate>();
  const fill = (source: string, vars: Record<string, unknown>) => {
    // Most inbox titles are plain words: no template to run.
    if (!source.includes("{{")) return source.trim();
    let compiled = cache.get(source);
    if (!compiled) {
      compiled = Handlebars.compile(source, { noEscape: true, strict: false });
      cache.set(source, compiled);
    }
    return compiled(vars).trim();
  };

  function pick(kind: Kind, locale: string) {
    for (const candidate of [locale, locale.split("-")[0]!, DEFAULT_LOCALE]) {
      const found = locales.get(candidate)?.kinds.get(kind);
      if (found) return { template: found, locale: candidate, common: locales.get(candidate)!.common };
    }
    throw new Error(`no template for ${kind}`);
  }

  return {
    mail(kind, locale, vars) {
      const { template, locale: used, common } = pick(kind, locale);
      if (!template.subject) throw new Error(`${kind} has no e-mail template`);
      const content = {
        locale: used,
        heading: fill(template.heading ?? template.subject, vars),
        paragraphs: (template.paragraphs ?? []).map((p) => fill(p, vars)).filter(Boolean),
        action: template.action && { label: fill(template.action.label, vars), url: fill(template.action.url, vars) },
        footer: template.footer ? fill(template.footer, vars) : common.footer,
      };
      return {
        subject: fill(template.subject, vars),
        // The pages' stylesheet, for clients that read <style>; the layout's inline styles for those that strip it.
        html: layouts.html({ ...content, stylesheet: PAGE_STYLESHEET }),
        text: layouts.text(content).trim() + "\n",
      };
    },
    inbox(kind, locale, vars) {
      const { template } = pick(kind, locale);
      if (!template.inbox) throw new Error(`${kind} has no inbox template`);
      return {
        title: fill(template.inbox.title, vars),
        body: fill(template.inbox.body, vars),
        link: template.action ? fill(template.action.url, vars) : null,
      };
    },
  };
}
