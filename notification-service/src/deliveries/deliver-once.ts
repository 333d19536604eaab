import { AppError } from "@coffer/contracts";
import type pg from "pg";
import { isPermanentSmtpFailure, type Mailer } from "../mail/mailer.js";
import type { RenderedMail } from "../mail/templates.js";
import {
  claimDelivery,
  recordFailedAttempt,
  recordSent,
  type Claimant,
  type Delivery,
} from "./deliveries-repository.js";

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
 * Another instance claimed the delivery and its claim still holds: it sends, or its claim lapses
 * and the retry takes it. Skipping instead would lose the mail should that instance die first.
 */
export class DeliveryHeldElsewhere extends AppError {
  constructor(id: string) {
    super("DELIVERY_HELD_ELSEWHERE", `delivery ${id} is being sent by another instance`, { retriable: true });
    this.name = "DeliveryHeldElsewhere";
  }
}

/**
 * Sends a mail at most once per (event, recipient, kind, delivery key). The row is written
 * `pending`, then claimed with a lease by one instance, which alone sends and records `sent`
 * under its claim. A mail already `sent` or `failed` for good is not sent again, whatever
 * redelivers the event; a consumer that lost its partition (`signal` aborted) sends nothing.
 *
 * The one residual window: the process dies (or the SMTP connection breaks) after the SMTP server
 * accepted the mail and before the row says `sent`. Once the claim lapses another instance sends
 * once more, with the same Message-ID (made from the row), so the copy is recognisably the same
 * message. The lease outlasts the mailer's timeouts, so a slow send is never doubled.
 */
export async function deliverOnce(
  db: pg.ClientBase,
  mailer: Mailer,
  claimant: Claimant,
  delivery: Delivery,
  mail: RenderedMail,
  signal?: AbortSignal,
): Promise<"sent" | "skipped" | "failed"> {
  signal?.throwIfAborted();
  const row = await claimDelivery(db, delivery, claimant);
  if (row.status !== "pending") return "skipped";
  if (!row.claimed) throw new DeliveryHeldElsewhere(row.id);
  let messageId: string;
  try {
    messageId = await mailer.send(delivery.recipient, mail, `delivery.${row.id}`);
  } catch (error) {
    const permanent = isPermanentSmtpFailure(error);
    await recordFailedAttempt(db, row.id, claimant.owner, { error: String((error as Error).message), permanent });
    // A transient failure (SMTP down) goes back to the consumer runner, which retries the event.
    if (!permanent) throw new SmtpUnavailable(error);
    return "failed";
  }
  // False only if the send outlasted the lease: then another instance may have sent it too.
  await recordSent(db, row.id, claimant.owner, messageId);
  return "sent";
}
