import { randomUUID } from "node:crypto";
import nodemailer from "nodemailer";
import { describe, expect, it } from "vitest";

type MailHogSearch = { items: { Content: { Headers: Record<string, string[]>; Body: string } }[] };

async function findBySubject(subject: string): Promise<MailHogSearch["items"]> {
  const url = new URL("/api/v2/search", process.env.MAILHOG_API_URL);
  url.search = new URLSearchParams({ kind: "containing", query: subject }).toString();
  const response = await fetch(url);
  if (!response.ok) throw new Error(`MailHog answered ${response.status}`);
  return ((await response.json()) as MailHogSearch).items;
}

describe("MailHog", () => {
  it("when nodemailer sends over SMTP, then MailHog's API returns the message with its recipient and body", async () => {
    const transport = nodemailer.createTransport(process.env.SMTP_URL!, { connectionTimeout: 3000 } as never);
    const subject = `smoke ${randomUUID()}`;
    try {
      await transport.sendMail({ from: "coffer@example.com", to: "ada@example.com", subject, text: "It works." });
    } finally {
      transport.close();
    }

    await expect
      .poll(async () => {
        const [message] = await findBySubject(subject);
        return message && { to: message.Content.Headers.To, body: message.Content.Body.trim() };
      })
      .toEqual({ to: ["ada@example.com"], body: "It works." });
  });
});
