import {
  TOPICS,
  type BatchHandlerSpec,
  type EventMap,
  type FieldCipher,
  type Handlers,
  type Topic,
} from "@coffer/contracts";
import { tombstoneCustomer } from "@coffer/contracts/pg";
import type pg from "pg";
import { dropParkedFor } from "../customers/awaiting-customer-repository.js";
import { applyCustomerFacts } from "../customers/customer-repository.js";
import { deleteInbox } from "../inbox/inbox-repository.js";
import type { Claimant } from "../deliveries/deliveries-repository.js";
import type { Mailer } from "../mail/mailer.js";
import type { Templates } from "../mail/templates.js";
import { deletePreferences } from "../preferences/preferences-repository.js";
import { EVENT_NOTIFICATIONS, type NotifyingTopic } from "./event-notifications.js";
import { notifyBatch, type NotificationsOf } from "./notify-batch.js";
import { CustomerNotKnownYet, notify, openSecret } from "./notify.js";
import { findRecipients } from "./recipient-repository.js";
import { parkedWhileCustomerUnknown, release, type Context, type Handle } from "./parking.js";

/** The events that only notify: they come in bulk (file activity), so they are handled a batch at a time. */
const BATCHED = [
  TOPICS.fileUploaded,
  TOPICS.fileTrashed,
  TOPICS.fileRestored,
  TOPICS.filePurged,
  TOPICS.shareCreated,
  TOPICS.shareAccessed,
  TOPICS.quotaThresholdReached,
] as const;
type BatchedTopic = (typeof BATCHED)[number];
const isBatched = (topic: Topic): topic is BatchedTopic => (BATCHED as readonly Topic[]).includes(topic);

export type NotificationsDeps = {
  pool: pg.Pool;
  templates: Templates;
  mailer: Mailer;
  claimant: Claimant;
  cipher: FieldCipher;
  publicBaseUrl: string;
};

/**
 * The handlers of the events this service consumes (but the access projection's): the customer
 * projection, then what the event tells (EVENT_NOTIFICATIONS). Every effect is idempotent on its
 * own (projection guarded by event time, inbox unique per event, delivery log per recipient), so
 * the handlers opt out of the runner's deduplication: that is what lets an operator's replay with
 * the resend header send a mail again, and only the mail.
 */
export function createNotificationsConsumer(deps: NotificationsDeps): Handlers<pg.PoolClient> {
  const notificationsOf =
    <T extends NotifyingTopic>(topic: T): NotificationsOf<T> =>
    (event, customer, { log }) =>
      EVENT_NOTIFICATIONS[topic](event, {
        customer,
        locale: customer?.locale ?? "en",
        link: (path) => `${deps.publicBaseUrl}${path}`,
        open: (sealed) => openSecret(deps.cipher, topic, event.customerId, sealed),
        log,
      });

  async function notifyOf<T extends NotifyingTopic>(topic: T, event: EventMap[T], context: Context) {
    const { db, headers, signal } = context;
    const { eventId, customerId } = event;
    const { customer, preferences } = (await findRecipients(db, [customerId])).get(customerId)!;
    for (const notification of notificationsOf(topic)(event, customer, context)) {
      await notify(deps, db, { eventId, customerId, customer, preferences, headers, signal }, notification);
    }
  }
  const onlyNotify =
    <T extends NotifyingTopic>(topic: T): Handle<T> =>
    (event, context) =>
      notifyOf(topic, event, context);

  const applyProfile: Handle<typeof TOPICS.customerRegistered | typeof TOPICS.customerProfileUpdated> = async (
    { customerId, occurredAt, email, displayName, locale },
    context,
  ) => {
    await applyCustomerFacts(context.db, { customerId, occurredAt, email, displayName, locale });
    await release(handlers, deps.claimant, customerId, context);
  };

  const handlers = {
    [TOPICS.customerRegistered]: applyProfile,
    [TOPICS.customerProfileUpdated]: applyProfile,
    [TOPICS.customerEmailVerificationRequested]: async (e, context) => {
      const { customerId, occurredAt, email, displayName } = e;
      await applyCustomerFacts(context.db, { customerId, occurredAt, email, displayName });
      await notifyOf(TOPICS.customerEmailVerificationRequested, e, context);
    },
    [TOPICS.customerEmailVerified]: async (e, context) => {
      const { customerId, occurredAt, email } = e;
      await applyCustomerFacts(context.db, { customerId, occurredAt, email, emailVerified: true });
      await notifyOf(TOPICS.customerEmailVerified, e, context);
    },
    [TOPICS.customerPasswordResetRequested]: async (e, context) => {
      const { customerId, occurredAt, email } = e;
      await applyCustomerFacts(context.db, { customerId, occurredAt, email });
      await notifyOf(TOPICS.customerPasswordResetRequested, e, context);
    },
    [TOPICS.customerPasswordChanged]: async (e, context) => {
      const { customerId, occurredAt, email } = e;
      await applyCustomerFacts(context.db, { customerId, occurredAt, email });
      await notifyOf(TOPICS.customerPasswordChanged, e, context);
    },
    [TOPICS.customerDeleted]: async (e, context) => {
      const { customerId, occurredAt } = e;
      // Access ends at once (open streams close); the mail may wait for SMTP.
      await tombstoneCustomer(context.db, customerId, occurredAt);
      await notifyOf(TOPICS.customerDeleted, e, context).catch((error: unknown) => {
        if (!(error instanceof CustomerNotKnownYet)) throw error;
      });
      await applyCustomerFacts(context.db, { customerId, occurredAt, deleted: true });
      await deleteInbox(context.db, customerId);
      await deletePreferences(context.db, customerId);
      await dropParkedFor(context.db, customerId);
    },
    [TOPICS.fileUploaded]: onlyNotify(TOPICS.fileUploaded),
    [TOPICS.fileTrashed]: onlyNotify(TOPICS.fileTrashed),
    [TOPICS.fileRestored]: onlyNotify(TOPICS.fileRestored),
    [TOPICS.filePurged]: onlyNotify(TOPICS.filePurged),
    [TOPICS.shareCreated]: onlyNotify(TOPICS.shareCreated),
    [TOPICS.shareAccessed]: onlyNotify(TOPICS.shareAccessed),
    [TOPICS.quotaThresholdReached]: onlyNotify(TOPICS.quotaThresholdReached),
  } satisfies { [T in Topic]?: Handle<T> };

  // Every handler parks its event while the customer it needs is not projected yet.
  type Handled = keyof typeof handlers;
  const handleOf: { [T in Handled]: Handle<T> } = handlers;
  const parked = <T extends Handled>(topic: T) =>
    parkedWhileCustomerUnknown(handlers, deps.claimant, topic, handleOf[topic]);
  const inBatches = <T extends BatchedTopic>(topic: T): BatchHandlerSpec<T, pg.PoolClient> => {
    const { handle } = parked(topic);
    return {
      deduplicate: false,
      handle,
      handleBatch: (records, context) => notifyBatch(deps, records, context, notificationsOf(topic), handle),
    };
  };
  const topics = Object.keys(handlers).filter((topic): topic is Handled => topic in handlers);
  return Object.fromEntries(topics.map((topic) => [topic, isBatched(topic) ? inBatches(topic) : parked(topic)]));
}
