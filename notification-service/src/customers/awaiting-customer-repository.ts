import { deserializeEvent, serializeEvent, type EventMap, type Topic } from "@coffer/contracts";
import type pg from "pg";

/** An event as it was consumed, topic and event kept together so that it can be handled again. */
export type ParkedEvent<T extends Topic = Topic> = {
  [K in T]: { topic: K; event: EventMap[K]; headers: Record<string, string> };
}[T];

/**
 * Events that need a customer this service has not projected yet. Waiting in the consumer
 * instead would hold up the whole fetch, including the very customer event it waits for.
 */
export async function park<T extends Topic>(
  db: pg.ClientBase,
  customerId: string,
  parked: ParkedEvent<T>,
): Promise<void> {
  await db.query(
    `INSERT INTO awaiting_customer (event_id, customer_id, topic, event, headers) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (event_id) DO NOTHING`,
    [parked.event.eventId, customerId, parked.topic, serializeEvent(parked.topic, parked.event), parked.headers],
  );
}

const unparked = <T extends Topic>(topic: T, json: string, headers: Record<string, string>): ParkedEvent<T> => ({
  topic,
  event: deserializeEvent(topic, json),
  headers,
});

/** What waits for the customer, oldest first. */
export async function parkedFor(db: pg.ClientBase, customerId: string): Promise<ParkedEvent[]> {
  const { rows } = await db.query(
    "SELECT topic, event, headers FROM awaiting_customer WHERE customer_id = $1 ORDER BY parked_at, event_id",
    [customerId],
  );
  return rows.map((row) => unparked(row.topic, row.event, row.headers));
}

/**
 * Runs `work` holding the customer's lock on what waits for them (an advisory lock on this
 * connection): one release per customer at a time.
 */
export async function whileHoldingParked(db: pg.ClientBase, customerId: string, work: () => Promise<void>) {
  const lock = [`awaiting-customer:${customerId}`];
  await db.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", lock);
  try {
    await work();
  } finally {
    await db.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", lock);
  }
}

/** Done with: removed only after it was handled, so a crash in between handles it again (idempotent). */
export async function unpark(db: pg.ClientBase, eventId: string): Promise<void> {
  await db.query("DELETE FROM awaiting_customer WHERE event_id = $1", [eventId]);
}

export async function dropParkedFor(db: pg.ClientBase, customerId: string): Promise<void> {
  await db.query("DELETE FROM awaiting_customer WHERE customer_id = $1", [customerId]);
}

/** Events still waiting after `days`: their customer never came (dropped, counted in the log). */
export async function dropParkedOlderThan(db: pg.Pool, days: number): Promise<number> {
  const { rowCount } = await db.query(
    "DELETE FROM awaiting_customer WHERE parked_at < now() - make_interval(days => $1)",
    [days],
  );
  return rowCount ?? 0;
}
