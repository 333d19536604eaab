import { AppError, type EventMap, type HandlerContext, type Topic } from "@coffer/contracts";
import type pg from "pg";
import {
  claimParked,
  park,
  parkedFor,
  unclaimParked,
  unpark,
  type ParkedEvent,
} from "../customers/awaiting-customer-repository.js";
import type { Claimant } from "../deliveries/deliveries-repository.js";
import { findCustomer } from "../customers/customer-repository.js";
import { CustomerNotKnownYet } from "./notify.js";

export type Context = HandlerContext<pg.PoolClient>;
export type Handle<T extends Topic> = (event: EventMap[T], context: Context) => Promise<void>;
/** The topics whose events are about one customer. */
export type CustomerTopic = { [T in Topic]: EventMap[T] extends { customerId: string } ? T : never }[Topic];
type HandleByTopic = { [T in Topic]?: Handle<T> };

/** Another release replays the customer's parked event: retried until it is done there or its claim lapses. */
class ParkedHeldElsewhere extends AppError {
  constructor(customerId: string) {
    super("PARKED_HELD_ELSEWHERE", `a parked event of customer ${customerId} is being released elsewhere`, {
      retriable: true,
    });
    this.name = "ParkedHeldElsewhere";
  }
}

/**
 * The runner's handler for `topic`, without the runner's deduplication: an event whose mail needs
 * a customer not projected yet is parked rather than retried, as the retries would hold up the
 * fetch that brings the customer's own events.
 */
export function parkedWhileCustomerUnknown<T extends CustomerTopic>(
  handlers: HandleByTopic,
  claimant: Claimant,
  topic: T,
  handle: Handle<T>,
): { deduplicate: false; handle: Handle<T> } {
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
          await release(handlers, claimant, event.customerId, context);
      }
    },
  };
}

/**
 * Hands back, oldest first, what waited for this customer's profile; what still cannot run
 * stays. Each event is claimed before it is replayed, so an event parked while the profile
 * arrived is handled once, by whichever side saw both; one held by a release elsewhere makes
 * this one retry, so that nothing stays parked should that release die.
 */
export async function release(handlers: HandleByTopic, claimant: Claimant, customerId: string, context: Context) {
  let heldElsewhere = false;
  for (const parked of await parkedFor(context.db, customerId)) {
    const { eventId } = parked.event;
    if (!(await claimParked(context.db, eventId, claimant))) {
      heldElsewhere = true;
      continue;
    }
    try {
      await replay(handlers, parked, context);
    } catch (error) {
      await unclaimParked(context.db, eventId, claimant.owner);
      if (error instanceof CustomerNotKnownYet) continue;
      throw error;
    }
    await unpark(context.db, eventId);
  }
  if (heldElsewhere) throw new ParkedHeldElsewhere(customerId);
}

function replay<T extends Topic>(handlers: HandleByTopic, { topic, event, headers }: ParkedEvent<T>, context: Context) {
  const handle = handlers[topic];
  if (!handle) throw new Error(`no handler for the parked ${topic}`);
  return handle(event, { ...context, topic, headers });
}
