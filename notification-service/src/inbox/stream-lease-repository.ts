import { inTransaction } from "@coffer/contracts/pg";
import type pg from "pg";

/**
 * Takes a lease for one more stream of the customer unless `max` live ones are held, by any
 * instance. The customer's lock makes the count and the insert one step for every instance.
 */
export async function acquireStreamLease(
  pool: pg.Pool,
  lease: { id: string; customerId: string; instanceId: string; max: number; ttlMs: number },
): Promise<boolean> {
  return inTransaction(pool, async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('stream_leases:' || $1, 0))", [lease.customerId]);
    const { rowCount } = await tx.query(
      `INSERT INTO stream_leases (id, customer_id, instance_id, expires_at)
       SELECT $1, $2, $3, now() + $5 * interval '1 millisecond'
        WHERE (SELECT count(*) FROM stream_leases WHERE customer_id = $2 AND expires_at > now()) < $4`,
      [lease.id, lease.customerId, lease.instanceId, lease.max, lease.ttlMs],
    );
    return rowCount === 1;
  });
}

export async function releaseStreamLease(pool: pg.Pool, id: string): Promise<void> {
  await pool.query("DELETE FROM stream_leases WHERE id = $1", [id]);
}

/** Extends the instance's live leases, drops everyone's lapsed ones; returns the ids still held. */
export async function renewStreamLeases(pool: pg.Pool, instanceId: string, ttlMs: number): Promise<Set<string>> {
  await pool.query("DELETE FROM stream_leases WHERE expires_at <= now()");
  const { rows } = await pool.query<{ id: string }>(
    `UPDATE stream_leases SET expires_at = now() + $2 * interval '1 millisecond'
      WHERE instance_id = $1 AND expires_at > now() RETURNING id`,
    [instanceId, ttlMs],
  );
  return new Set(rows.map((r) => r.id));
}

export async function releaseInstanceLeases(pool: pg.Pool, instanceId: string): Promise<void> {
  await pool.query("DELETE FROM stream_leases WHERE instance_id = $1", [instanceId]);
}
