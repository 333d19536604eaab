import { AppError } from "@coffer/contracts";
import type pg from "pg";
import { isPermanentSmtpFailure, type Mailer } from "../mail/mailer.js";
import type { RenderedMail } from "../mail/templates.js";
import { claimDelivery, recordFailedAttempt, recordSent, type Delivery } from "./deliveries-repository.js";

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
  const row = await claimDelivery(db, delivery);
  if (row.status !== "pending") return "skipped";
  try {
    await recordSent(db, row.id, await mailer.send(delivery.recipient, mail, `delivery.${row.id}`));
    return "sent";
  } catch (error) {
    const permanent = isPermanentSmtpFailure(error);
    await recordFailedAttempt(db, row.id, { error: String((error as Error).message), permanent });
    // A transient failure (SMTP down) goes back to the consumer runner, which retries the event.
    if (!permanent) throw new SmtpUnavailable(error);
    return "failed";
  }
}
