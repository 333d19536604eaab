import { deserializeEvent, serializeEvent, type AnyEvent, type Topic } from "@coffer/contracts";
import type pg from "pg";

export type ParkedEvent = { topic: Topic; event: AnyEvent & { customerId: string }; headers: Record<string, string> };

/**
 * Events that need a customer this service has not projected yet. Waiting in the consumer
 * instead would hold up the whole fetch, including the very customer event it waits for.
 */
export async function park(db: pg.ClientBase, parked: ParkedEvent): Promise<void> {
  await db.query(
    `INSERT INTO awaiting_customer (event_id, customer_id, topic, event, headers) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (event_id) DO NOTHING`,
    [
      parked.event.eventId,
      parked.event.customerId,
      parked.topic,
      serializeEvent(parked.topic, parked.event),
      parked.headers,
    ],
  );
}

/** What waits for the customer, oldest first. */
export async function parkedFor(db: pg.ClientBase, customerId: string): Promise<ParkedEvent[]> {
  const { rows } = await db.query(
    "SELECT topic, event, headers FROM awaiting_customer WHERE customer_id = $1 ORDER BY parked_at, event_id",
    [customerId],
  );
  return rows.map((row) => ({
    topic: row.topic,
    event: deserializeEvent(row.topic as Topic, row.event) as ParkedEvent["event"],
    headers: row.headers,
  }));
}

/** Done with: removed only after it was handled, so a crash in between handles it again (idempotent). */
export async function unpark(db: pg.ClientBase, eventId: string): Promise<void> {
  await db.query("DELETE FROM awaiting_customer WHERE event_id = $1", [eventId]);
}

/** Events still waiting after `days`: their customer never came (dropped, counted in the log). */
export async function dropParkedOlderThan(db: pg.Pool, days: number): Promise<number> {
  const { rowCount } = await db.query(
    "DELETE FROM awaiting_customer WHERE parked_at < now() - make_interval(days => $1)",
    [days],
  );
  return rowCount ?? 0;
}
