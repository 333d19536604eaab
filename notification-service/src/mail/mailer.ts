import { SpanKind, withSpan } from "@coffer/contracts/tracing";
import nodemailer from "nodemailer";
import type { RenderedMail } from "./templates.js";

export type Mailer = {
  /**
   * Resolves with the message id once the SMTP server accepted the mail. `id` names the delivery:
   * the Message-ID is made from it, so a mail handed to SMTP twice is recognisably one message.
   */
  send(to: string, mail: RenderedMail, id: string): Promise<string>;
  verify(): Promise<void>;
  close(): void;
};

/** An SMTP answer that retrying cannot change (5xx: no such mailbox, rejected address, …). */
export function isPermanentSmtpFailure(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

export function createMailer(options: { smtpUrl: string; from: string }): Mailer {
  const domain = /@([^\s>]+)/.exec(options.from)?.[1] ?? "coffer.localhost";
  const smtp = new URL(options.smtpUrl);
  const smtpAttributes = {
    "server.address": smtp.hostname,
    "server.port": Number(smtp.port || (smtp.protocol === "smtps:" ? 465 : 25)),
  };
  const transport = nodemailer.createTransport(options.smtpUrl, {
    // Reuse SMTP connections: one per mail would cost a handshake (and TLS) per recipient.
    pool: true,
    maxConnections: 5,
    // Fail fast when SMTP is down: the consumer runner retries with backoff.
    connectionTimeout: 5000,
    greetingTimeout: 5000,
    socketTimeout: 15_000,
  } as never);
  return {
    async send(to, mail, id) {
      const info = await withSpan("smtp send", { kind: SpanKind.CLIENT, attributes: smtpAttributes }, () =>
        transport.sendMail({
          messageId: `<${id}@${domain}>`,
          from: options.from,
          to,
          subject: mail.subject,
          html: mail.html,
          text: mail.text,
        }),
      );
      return String(info.messageId);
    },
    verify: async () => void (await transport.verify()),
    close: () => transport.close(),
  };
}
