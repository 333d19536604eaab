import pg from "pg";
import type { EventLogger } from "../events/kafka.js";
import type { EventPublisher, PendingEvent } from "../events/publisher.js";
import type { OutboxBacklog } from "../metrics/outbox-gauges.js";
import type { ServiceMetrics } from "../metrics/service-metrics.js";
import { pendingEventOf, type OutgoingEvent } from "./outgoing-event.js";
import { createRelayLoop } from "./relay-loop.js";

/** The tables the PostgreSQL outbox and the idempotent consumers need; `migrate` creates them. */
export const PG_EVENT_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS event_outbox (
  id          bigserial PRIMARY KEY,
  event_id    uuid NOT NULL UNIQUE,
  topic       text NOT NULL,
  message_key text NOT NULL,
  payload     text NOT NULL,
  headers     jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  attempts    integer NOT NULL DEFAULT 0,
  last_error  text
);
CREATE TABLE IF NOT EXISTS processed_events (
  consumer     text NOT NULL,
  event_id     uuid NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
CREATE INDEX IF NOT EXISTS processed_events_processed_at ON processed_events (processed_at);
`;

export const OUTBOX_CHANNEL = "event_outbox";

// Advisory-lock namespace of the relays ("COFR"), so one relay at a time publishes a given key.
const KEY_LOCK_NAMESPACE = 0x434f4652;

/**
 * Records events in the same transaction as the state change they describe. Call it with the
 * transaction's client; the relay publishes them once the transaction commits.
 */
export async function enqueueEvents(tx: pg.ClientBase, events: readonly OutgoingEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map(pendingEventOf);
  await tx.query(
    `INSERT INTO event_outbox (event_id, topic, message_key, payload, headers)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS e("eventId" uuid, topic text, key text, payload text, headers jsonb)`,
    [JSON.stringify(rows)],
  );
  // Delivered when the transaction commits, never for a rolled-back one.
  await tx.query("SELECT pg_notify($1, '')", [OUTBOX_CHANNEL]);
}

export type PgOutboxRelay = { start(): Promise<void>; stop(): Promise<void>; backlog(): Promise<OutboxBacklog> };

/**
 * Publishes committed outbox rows and deletes them in one transaction. Several relays may run:
 * rows are claimed with FOR UPDATE SKIP LOCKED, and a per-key advisory lock keeps one
 * customer's events with one relay, in order. LISTEN/NOTIFY wakes it within milliseconds; the
 * poll interval covers a lost notification or a broken LISTEN connection.
 */
export function createPgOutboxRelay(options: {
  pool: pg.Pool;
  connectionString: string;
  publisher: EventPublisher;
  logger: EventLogger;
  batchSize?: number;
  pollIntervalMs?: number;
  metrics?: Pick<ServiceMetrics, "published">;
}): PgOutboxRelay {
  const { pool, publisher, logger, batchSize = 200, pollIntervalMs = 1000 } = options;
  let listener: pg.Client | undefined;
  let stopped = false;

  async function publishBatch(): Promise<number> {
    const client = await pool.connect();
    let broken: Error | undefined;
    let failure: unknown;
    let claimed: number;
    try {
      await client.query("BEGIN");
      const { rows } = await client.query<{
        id: string;
        event_id: string;
        topic: string;
        message_key: string;
        payload: string;
        headers: Record<string, string>;
      }>(
        `SELECT id, event_id, topic, message_key, payload, headers FROM event_outbox
          WHERE pg_try_advisory_xact_lock($1, hashtext(message_key))
          ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [KEY_LOCK_NAMESPACE, batchSize],
      );
      claimed = rows.length;
      if (rows.length > 0) {
        const ids = rows.map((r) => r.id);
        const pending: PendingEvent[] = rows.map((r) => ({
          eventId: r.event_id,
          topic: r.topic,
          key: r.message_key,
          payload: r.payload,
          headers: r.headers,
        }));
        try {
          await publisher.publish(pending);
        } catch (error) {
          failure = error;
        }
        options.metrics?.published(pending, failure === undefined ? "published" : "failed");
        if (failure === undefined) await client.query("DELETE FROM event_outbox WHERE id = ANY($1)", [ids]);
        else
          // Counted while this transaction still holds the rows and their keys: after a rollback,
          // another relay could publish a later event of one of these keys before them.
          await client.query("UPDATE event_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1)", [
            ids,
            String((failure as Error).message).slice(0, 1000),
          ]);
      }
      await client.query("COMMIT");
    } catch (error) {
      broken = error as Error;
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      // After a failure the connection may be broken: the pool replaces it rather than reuse it.
      client.release(broken);
    }
    if (failure !== undefined) throw failure;
    return claimed;
  }

  const loop = createRelayLoop({ name: "pg-outbox", publishBatch, logger, pollIntervalMs });

  async function listen(): Promise<void> {
    if (stopped) return;
    const client = new pg.Client({ connectionString: options.connectionString });
    client.on("notification", () => loop.wake());
    client.on("error", (err) => {
      logger.warn({ err }, "outbox LISTEN connection lost; polling until it is back");
      client.end().catch(() => undefined);
      if (listener === client) listener = undefined;
      setTimeout(() => void listen().catch(() => undefined), pollIntervalMs);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      listener = client;
      loop.wake(); // whatever was committed while nobody listened
    } catch (err) {
      await client.end().catch(() => undefined);
      logger.warn({ err }, "outbox LISTEN failed; polling until it succeeds");
      setTimeout(() => void listen().catch(() => undefined), pollIntervalMs);
    }
  }

  return {
    async start() {
      stopped = false;
      loop.start();
      await listen();
    },
    async stop() {
      stopped = true;
      await loop.stop();
      await listener?.end().catch(() => undefined);
      listener = undefined;
    },
    async backlog() {
      const { rows } = await pool.query<{ pending: number; age: number }>(
        `SELECT count(*)::int AS pending,
                coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS age
           FROM event_outbox`,
      );
      return { pending: rows[0]!.pending, oldestAgeSeconds: rows[0]!.age };
    },
  };
}
