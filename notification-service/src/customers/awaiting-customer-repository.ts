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
 * Takes the parked event for one release, under a lease (as deliveries are claimed): false when
 * another release holds it. No session state, so it works through a transaction pooler.
 */
export async function claimParked(
  db: pg.ClientBase,
  eventId: string,
  claimant: { owner: string; leaseMs: number },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE awaiting_customer SET claimed_by = $2, lease_until = now() + make_interval(secs => $3)
      WHERE event_id = $1 AND (lease_until IS NULL OR lease_until < now())`,
    [eventId, claimant.owner, claimant.leaseMs / 1000],
  );
  return rowCount === 1;
}

/** Gives the claim back: the event still waits (its customer is still unknown) or failed for now. */
export async function unclaimParked(db: pg.ClientBase, eventId: string, owner: string): Promise<void> {
  await db.query(
    "UPDATE awaiting_customer SET claimed_by = NULL, lease_until = NULL WHERE event_id = $1 AND claimed_by = $2",
    [eventId, owner],
  );
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
