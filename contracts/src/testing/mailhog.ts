import { vi } from "vitest";

type MailHogMessage = {
  Created: string;
  Content: { Headers: Record<string, string[]>; Body: string };
  MIME: { Parts: { Headers: Record<string, string[]>; Body: string }[] } | null;
};

/** A message MailHog holds: its headers as sent (`created`: when MailHog received it), the subject and bodies decoded. */
export type Mail = {
  to: string;
  from: string;
  subject: string;
  messageId: string;
  created: string;
  text: string;
  html: string;
};

const PAGE = 250;

/** Every message MailHog (MAILHOG_API_URL) holds whose recipient contains `query`, newest first. */
export async function mailsTo(query: string): Promise<Mail[]> {
  const found: Mail[] = [];
  for (let start = 0; ; start += PAGE) {
    const url = new URL("/api/v2/search", process.env.MAILHOG_API_URL);
    url.search = new URLSearchParams({ kind: "to", query, start: String(start), limit: String(PAGE) }).toString();
    const { items, total } = (await (await fetch(url)).json()) as { items: MailHogMessage[]; total: number };
    found.push(...items.map(toMail));
    if (items.length === 0 || start + items.length >= total) return found;
  }
}

/** Waits until MailHog holds `count` messages to the address (20 s at most); all of them. */
export function waitForMails(address: string, count: number): Promise<Mail[]> {
  return vi.waitFor(
    async () => {
      const mails = await mailsTo(address);
      if (mails.length < count) throw new Error(`${mails.length} of ${count} mails to ${address}`);
      return mails;
    },
    { timeout: 20_000, interval: 100 },
  );
}

/** Waits for a message to the address whose subject matches. */
export function waitForMail(address: string, subject: RegExp, timeout = 30_000): Promise<Mail> {
  return vi.waitFor(
    async () => {
      const mail = (await mailsTo(address)).find((m) => subject.test(m.subject));
      if (!mail) throw new Error(`no mail "${subject}" to ${address} yet`);
      return mail;
    },
    { timeout, interval: 200 },
  );
}

function toMail(m: MailHogMessage): Mail {
  const header = (name: string) => m.Content.Headers[name]?.[0] ?? "";
  const part = (type: string) => m.MIME?.Parts.find((p) => p.Headers["Content-Type"]?.[0]?.startsWith(type))?.Body;
  return {
    to: header("To"),
    from: header("From"),
    subject: decodeHeader(header("Subject")),
    messageId: header("Message-ID"),
    created: m.Created,
    text: decodeQuotedPrintable(part("text/plain") ?? m.Content.Body),
    html: decodeQuotedPrintable(part("text/html") ?? ""),
  };
}

function decodeQuotedPrintable(body: string): string {
  const bytes = body
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

function decodeHeader(value: string): string {
  // RFC 2047: whitespace between two encoded words is not part of the text.
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_, encoding: string, text: string) =>
      encoding.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : decodeQuotedPrintable(text.replace(/_/g, " ")),
    );
}
