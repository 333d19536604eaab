import type pg from "pg";
import { inTransaction } from "../pg/transaction.js";

/** Runs handlers in a transaction of the consumer's own database. */
export type IdempotencyStore<Db> = {
  /**
   * Runs `fn` in a transaction that also records `eventId` as processed by `consumer`;
   * returns false without running it when the event was processed before.
   */
  runOnce(consumer: string, eventId: string, fn: (db: Db) => Promise<void>): Promise<boolean>;
  /**
   * Runs `fn` outside any transaction, for handlers that deduplicate their effects themselves
   * (e.g. a delivery log that must show "pending" while an e-mail is being sent).
   */
  run(fn: (db: Db) => Promise<void>): Promise<void>;
};

/** Processed event ids live in `processed_events` (see PG_EVENT_TABLES_SQL). */
export function createPgIdempotencyStore(pool: pg.Pool): IdempotencyStore<pg.PoolClient> {
  return {
    runOnce: (consumer, eventId, fn) =>
      inTransaction(pool, async (tx) => {
        // A concurrent duplicate blocks here until the first commits, then finds the row.
        const { rowCount } = await tx.query(
          "INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
          [consumer, eventId],
        );
        if (rowCount === 0) return false;
        await fn(tx);
        return true;
      }),
    async run(fn) {
      const client = await pool.connect();
      try {
        await fn(client);
        client.release();
      } catch (error) {
        client.release(error as Error);
        throw error;
      }
    },
  };
}

/**
 * Forgets processed event ids older than the retention: keep it longer than any topic's
 * retention, or a replay of old records would run their effects again.
 */
export async function purgeProcessedEvents(pool: pg.Pool, retentionDays: number): Promise<number> {
  const { rowCount } = await pool.query(
    "DELETE FROM processed_events WHERE processed_at < now() - make_interval(days => $1)",
    [retentionDays],
  );
  return rowCount ?? 0;
}
