import type { BatchContext, BatchRecord, EventMap, HandlerContext } from "@coffer/contracts";
import type pg from "pg";
import type { KnownCustomer } from "../customers/customer-repository.js";
import { addInboxItems, type NewInboxItem } from "../inbox/inbox-repository.js";
import type { Templates } from "../mail/templates.js";
import type { NotifyingTopic } from "./event-notifications.js";
import { CustomerNotKnownYet, inboxItemOf, isWanted, type Notification } from "./notify.js";
import { findRecipients } from "./recipient-repository.js";

/** What an event causes, for the customer as projected now. */
export type NotificationsOf<T extends NotifyingTopic> = (
  event: EventMap[T],
  customer: KnownCustomer | undefined,
  context: Pick<HandlerContext<pg.PoolClient>, "log">,
) => Notification[];

type HandleOne<T extends NotifyingTopic> = (
  event: EventMap[T],
  context: HandlerContext<pg.PoolClient>,
) => Promise<void>;

/**
 * A fetched batch of one topic and partition: the customers and their preferences read by one
 * statement, the inbox items of the events that send no mail written by one statement (one
 * transaction).
 * An event that sends mail goes through `handleOne` (its delivery row must be committed before
 * SMTP is called), as does one that waits for its customer (to be parked). Consecutive such
 * events are handled customer by customer side by side, each customer's in order, so mails to
 * several customers share the SMTP pool; what comes before and after them is written before
 * and after, so each customer's items keep the partition's order.
 */
export async function notifyBatch<T extends NotifyingTopic>(
  deps: { templates: Templates; pool: pg.Pool },
  records: readonly BatchRecord<T>[],
  context: BatchContext<pg.PoolClient>,
  notificationsOf: NotificationsOf<T>,
  handleOne: HandleOne<T>,
): Promise<void> {
  const { db } = context;
  const customerIds = [...new Set(records.map(({ event }) => event.customerId))];
  const recipients = await findRecipients(db, customerIds);
  let items: NewInboxItem[] = [];
  let mailing: BatchRecord<T>[] = [];
  for (const record of records) {
    const { eventId, customerId } = record.event;
    const { customer, preferences } = recipients.get(customerId)!;
    const notifications = notificationsUnlessWaiting(() => notificationsOf(record.event, customer, context));
    if (!notifications || notifications.some((n) => n.mailTo !== null)) {
      await addInboxItems(db, items);
      items = [];
      mailing.push(record);
      continue;
    }
    await eachCustomerInOrder(deps.pool, mailing, handleOne, context);
    mailing = [];
    for (const notification of notifications) {
      if (notification.inbox && isWanted(customer, preferences, notification))
        items.push(inboxItemOf(deps.templates, { eventId, customerId, customer }, notification));
    }
  }
  await addInboxItems(db, items);
  await eachCustomerInOrder(deps.pool, mailing, handleOne, context);
}

// Below the mailer's pool of 5 SMTP connections; each also holds a PostgreSQL connection.
const MAILING_CUSTOMERS_AT_ONCE = 4;

/**
 * Customers side by side, each on a connection of its own, each one's events in order; fails
 * with the first failure once every customer has stopped.
 */
async function eachCustomerInOrder<T extends NotifyingTopic>(
  pool: pg.Pool,
  records: readonly BatchRecord<T>[],
  handleOne: HandleOne<T>,
  context: BatchContext<pg.PoolClient>,
): Promise<void> {
  if (records.length === 0) return;
  const byCustomer = new Map<string, BatchRecord<T>[]>();
  for (const record of records) {
    const own = byCustomer.get(record.event.customerId);
    if (own) own.push(record);
    else byCustomer.set(record.event.customerId, [record]);
  }
  const waiting = [...byCustomer.values()];
  const outcomes = await Promise.allSettled(
    Array.from({ length: Math.min(MAILING_CUSTOMERS_AT_ONCE, waiting.length) }, async () => {
      const db = await pool.connect();
      try {
        for (let own = waiting.shift(); own; own = waiting.shift())
          for (const record of own) {
            const { event, offset, headers } = record;
            await context.traceRecord(record, () => handleOne(event, { ...context, db, offset, headers }));
          }
        db.release();
      } catch (error) {
        db.release(error as Error);
        throw error;
      }
    }),
  );
  const failure = outcomes.find((outcome) => outcome.status === "rejected");
  if (failure) throw failure.reason;
}

function notificationsUnlessWaiting(notificationsOf: () => Notification[]): Notification[] | undefined {
  try {
    return notificationsOf();
  } catch (error) {
    if (error instanceof CustomerNotKnownYet) return undefined;
    throw error;
  }
}
