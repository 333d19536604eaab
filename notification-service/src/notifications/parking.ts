import type { EventMap, HandlerContext, HandlerSpec, Topic } from "@coffer/contracts";
import type pg from "pg";
import {
  park,
  parkedFor,
  unpark,
  whileHoldingParked,
  type ParkedEvent,
} from "../customers/awaiting-customer-repository.js";
import { findCustomer } from "../customers/customer-repository.js";
import { CustomerNotKnownYet } from "./notify.js";

export type Context = HandlerContext<pg.PoolClient>;
export type Handle<T extends Topic> = (event: EventMap[T], context: Context) => Promise<void>;
/** The topics whose events are about one customer. */
export type CustomerTopic = { [T in Topic]: EventMap[T] extends { customerId: string } ? T : never }[Topic];
type HandleByTopic = { [T in Topic]?: Handle<T> };

/**
 * The runner's handler for `topic`, without the runner's deduplication: an event whose mail needs
 * a customer not projected yet is parked rather than retried, as the retries would hold up the
 * fetch that brings the customer's own events.
 */
export function parkedWhileCustomerUnknown<T extends CustomerTopic>(
  handlers: HandleByTopic,
  topic: T,
  handle: Handle<T>,
): HandlerSpec<T, pg.PoolClient> {
  return {
    deduplicate: false,
    handle: async (event, context) => {
      try {
        await handle(event, context);
      } catch (error) {
        if (!(error instanceof CustomerNotKnownYet)) throw error;
        const { db, headers, log } = context;
        await park(db, event.customerId, { topic, event, headers });
        log.info({ eventId: event.eventId, customerId: event.customerId }, "event waits for its customer's profile");
        // The profile may have been applied (and its release found nothing) while this ran.
        if ((await findCustomer(db, event.customerId))?.profileKnown)
          await release(handlers, event.customerId, context);
      }
    },
  };
}

/**
 * Hands back, oldest first, what waited for this customer's profile; what still cannot run
 * stays. One release per customer at a time, so an event parked while the profile arrived is
 * handled once, by whichever side saw both.
 */
export async function release(handlers: HandleByTopic, customerId: string, context: Context) {
  await whileHoldingParked(context.db, customerId, async () => {
    for (const parked of await parkedFor(context.db, customerId)) {
      try {
        await replay(handlers, parked, context);
      } catch (error) {
        if (error instanceof CustomerNotKnownYet) continue;
        throw error;
      }
      await unpark(context.db, parked.event.eventId);
    }
  });
}

function replay<T extends Topic>(handlers: HandleByTopic, { topic, event, headers }: ParkedEvent<T>, context: Context) {
  const handle = handlers[topic];
  if (!handle) throw new Error(`no handler for the parked ${topic}`);
  return handle(event, { ...context, topic, headers });
}
