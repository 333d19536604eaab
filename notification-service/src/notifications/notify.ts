import { AppError, PoisonRecordError, REPLAY_HEADERS, type FieldCipher } from "@coffer/contracts";
import type pg from "pg";
import type { KnownCustomer } from "../customers/customer-repository.js";
import { deliverOnce } from "../deliveries/deliver-once.js";
import type { Claimant } from "../deliveries/deliveries-repository.js";
import { addInboxItem, type NewInboxItem } from "../inbox/inbox-repository.js";
import type { Mailer } from "../mail/mailer.js";
import type { Kind, Templates } from "../mail/templates.js";
import { isEnabled, type Category, type Preferences } from "../preferences/preferences-repository.js";

/** One notification an event causes: an inbox item for the customer and/or e-mail. */
export type Notification = {
  kind: Kind;
  category: Category;
  vars: Record<string, unknown>;
  inbox: boolean;
  /** Links carrying a secret (verification, reset) go by e-mail only, never into the inbox. */
  inboxLink?: boolean;
  /** `customer`: their projected address, only once verified; a list: those addresses (the event's own). */
  mailTo: "customer" | readonly string[] | null;
};

/** The event a notification comes from, and its customer as projected when it is handled. */
export type Cause = {
  eventId: string;
  customerId: string;
  customer: KnownCustomer | undefined;
  preferences: Preferences;
  headers: Record<string, string>;
  /** Aborted when the consumer gives the event up (rebalance, stop): no mail goes out after it. */
  signal: AbortSignal;
};

/**
 * The customer's own events have not been consumed yet (topics progress independently): the
 * consumer parks the event until the customer's profile arrives.
 */
export class CustomerNotKnownYet extends AppError {
  constructor(customerId: string) {
    super(
      "CUSTOMER_NOT_KNOWN_YET",
      `customer ${customerId} is not projected yet; its customer events have not been consumed`,
    );
    this.name = "CustomerNotKnownYet";
  }
}

/** Opens a secret sealed for us; one that does not open never will (another key, tampering): poison. */
export function openSecret(cipher: FieldCipher, topic: string, customerId: string, sealed: string): string {
  try {
    return cipher.decrypt(sealed, `${topic}:${customerId}`);
  } catch (error) {
    throw new PoisonRecordError(`the ${topic} secret cannot be opened with this service's keys`, { cause: error });
  }
}

/** The delivery key: '' normally; an operator's replay with the resend header sends once more. */
function deliveryKeyOf(headers: Record<string, string>): string {
  return headers[REPLAY_HEADERS.resend] === "true" ? (headers[REPLAY_HEADERS.id] ?? "resend") : "";
}

/** Whether a notification reaches the customer at all: never a deleted one, never a category turned off. */
export const isWanted = (customer: KnownCustomer | undefined, preferences: Preferences, notification: Notification) =>
  !customer?.deleted && isEnabled(preferences, notification.category);

const valuesOf = (customer: KnownCustomer | undefined, notification: Notification) => ({
  locale: customer?.locale ?? "en",
  vars: { name: customer?.displayName || "there", ...notification.vars },
});

/** The inbox item of a notification, in the customer's language and name. */
export function inboxItemOf(
  templates: Templates,
  { eventId, customerId, customer }: Pick<Cause, "eventId" | "customerId" | "customer">,
  notification: Notification,
): NewInboxItem {
  const { locale, vars } = valuesOf(customer, notification);
  const rendered = templates.inbox(notification.kind, locale, vars);
  const { kind, category } = notification;
  return {
    customerId,
    eventId,
    kind,
    category,
    ...rendered,
    link: notification.inboxLink === false ? null : rendered.link,
  };
}

/**
 * Stores the inbox item and sends the mail of a notification, honouring the customer's
 * preferences; nothing reaches a deleted customer, and an unverified address gets only the
 * mail addressed to it by the event (the verification link).
 */
export async function notify(
  deps: { templates: Templates; mailer: Mailer; claimant: Claimant },
  db: pg.ClientBase,
  cause: Cause,
  notification: Notification,
): Promise<void> {
  const { eventId, customerId, customer, preferences, headers, signal } = cause;
  if (!isWanted(customer, preferences, notification)) return;
  // A mail is written in the customer's language and name: wait until the profile is known.
  if (notification.mailTo !== null && !customer?.profileKnown) throw new CustomerNotKnownYet(customerId);
  if (notification.inbox) await addInboxItem(db, inboxItemOf(deps.templates, cause, notification));

  if (notification.mailTo === null) return;
  let recipients: readonly string[];
  if (notification.mailTo === "customer") {
    if (!customer?.email) throw new CustomerNotKnownYet(customerId);
    if (!customer.emailVerified) return;
    recipients = [customer.email];
  } else {
    recipients = notification.mailTo;
  }
  const { locale, vars } = valuesOf(customer, notification);
  const mail = deps.templates.mail(notification.kind, locale, vars);
  const deliveryKey = deliveryKeyOf(headers);
  for (const recipient of recipients) {
    const delivery = { eventId, deliveryKey, recipient, customerId, kind: notification.kind };
    await deliverOnce(db, deps.mailer, deps.claimant, delivery, mail, signal);
  }
}
