import { AppError } from "@coffer/contracts";
import type pg from "pg";
import type { Mailer } from "../mail/mailer.js";
import { isPermanentSmtpFailure } from "../mail/mailer.js";
import type { RenderedMail } from "../mail/templates.js";

export type Delivery = {
  eventId: string;
  /** '' for the event's own mail, the replay id when an operator asked for a resend. */
  deliveryKey: string;
  recipient: string;
  customerId: string | null;
  kind: string;
};

/** The SMTP server could not take the mail for now: the event is retried, then dead-lettered. */
export class SmtpUnavailable extends AppError {
  constructor(cause: unknown) {
    super("SMTP_UNAVAILABLE", `the SMTP server did not take the mail: ${(cause as Error)?.message ?? cause}`, {
      retriable: true,
      cause,
    });
    this.name = "SmtpUnavailable";
  }
}

/**
 * Sends a mail at most once per (event, recipient, kind, delivery key): the row is written as
 * `pending` before SMTP is called and marked `sent` after it accepted. A mail already `sent` or
 * `failed` for good is not sent again, whatever redelivers the event.
 *
 * The one residual window: the process dies after the SMTP server accepted the mail and before
 * the row says `sent`. The event is then redelivered, finds the row still `pending`, and sends
 * once more, with the same Message-ID (made from the row), so the copy is recognisably the same
 * message. The window is the time of one UPDATE on the local database.
 */
export async function deliverOnce(
  db: pg.ClientBase,
  mailer: Mailer,
  delivery: Delivery,
  mail: RenderedMail,
): Promise<"sent" | "skipped" | "failed"> {
  const { rows } = await db.query<{ id: string; status: string }>(
    `INSERT INTO deliveries (event_id, delivery_key, recipient, customer_id, kind, status)
     VALUES ($1, $2, $3, $4, $5, 'pending')
     ON CONFLICT (event_id, recipient, kind, delivery_key) DO UPDATE SET event_id = deliveries.event_id
     RETURNING id, status`,
    [delivery.eventId, delivery.deliveryKey, delivery.recipient, delivery.customerId, delivery.kind],
  );
  const row = rows[0]!;
  if (row.status !== "pending") return "skipped";
  try {
    const messageId = await mailer.send(delivery.recipient, mail, `delivery.${row.id}`);
    await db.query(
      "UPDATE deliveries SET status = 'sent', sent_at = now(), attempts = attempts + 1, message_id = $2, last_error = NULL WHERE id = $1",
      [row.id, messageId],
    );
    return "sent";
  } catch (error) {
    const permanent = isPermanentSmtpFailure(error);
    await db.query(
      `UPDATE deliveries SET attempts = attempts + 1, last_error = $2, status = CASE WHEN $3 THEN 'failed' ELSE status END WHERE id = $1`,
      [row.id, String((error as Error).message).slice(0, 1000), permanent],
    );
    // A transient failure (SMTP down) goes back to the consumer runner, which retries the event.
    if (!permanent) throw new SmtpUnavailable(error);
    return "failed";
  }
}
