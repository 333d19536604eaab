import { TOPICS, createEvent, type OutgoingEvent } from "@coffer/contracts";
import type pg from "pg";
import { PRODUCER } from "../service.js";

type Db = pg.ClientBase | pg.Pool;
type UsageRow = { used: string; quota: string; notified: number };

/**
 * Reserves bytes for an upload in flight, atomically against the quota: two parallel uploads
 * that together exceed it cannot both get their bytes. Returns false when the quota is reached.
 */
export async function reserveBytes(db: Db, customerId: string, bytes: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE customers SET reserved_bytes = reserved_bytes + $2
      WHERE id = $1 AND used_bytes + reserved_bytes + $2 <= quota_bytes`,
    [customerId, bytes],
  );
  return rowCount === 1;
}

export async function releaseBytes(db: Db, customerId: string, bytes: number): Promise<void> {
  if (bytes > 0) {
    await db.query("UPDATE customers SET reserved_bytes = greatest(0, reserved_bytes - $2) WHERE id = $1", [
      customerId,
      bytes,
    ]);
  }
}

/**
 * Applies a change of stored bytes (and turns a reservation into use) in the caller's
 * transaction, and returns the quota event of a threshold crossed upwards, once per crossing.
 */
export async function changeUsage(
  tx: pg.ClientBase,
  customerId: string,
  change: { usedDelta: number; releaseReserved?: number },
  correlationId: string,
): Promise<OutgoingEvent[]> {
  const { rows } = await tx.query<UsageRow>(
    `UPDATE customers SET used_bytes = used_bytes + $2, reserved_bytes = greatest(0, reserved_bytes - $3)
      WHERE id = $1 RETURNING used_bytes AS used, quota_bytes AS quota, notified_threshold AS notified`,
    [customerId, change.usedDelta, change.releaseReserved ?? 0],
  );
  return thresholdEvents(tx, customerId, rows[0]!, correlationId);
}

/** The new quota's threshold event, as `changeUsage`; undefined when there is no such customer. */
export async function setQuota(tx: pg.ClientBase, customerId: string, quotaBytes: number, correlationId: string) {
  const { rows } = await tx.query<UsageRow>(
    `UPDATE customers SET quota_bytes = $2 WHERE id = $1
     RETURNING used_bytes AS used, quota_bytes AS quota, notified_threshold AS notified`,
    [customerId, quotaBytes],
  );
  return rows[0] ? thresholdEvents(tx, customerId, rows[0], correlationId) : undefined;
}

async function thresholdEvents(
  tx: pg.ClientBase,
  customerId: string,
  usage: UsageRow,
  correlationId: string,
): Promise<OutgoingEvent[]> {
  const used = Number(usage.used);
  const quota = Number(usage.quota);
  const level = quota === 0 ? 100 : used >= quota ? 100 : used >= quota * 0.8 ? 80 : 0;
  if (level === usage.notified) return [];
  await tx.query("UPDATE customers SET notified_threshold = $2 WHERE id = $1", [customerId, level]);
  // Going down re-arms the threshold without an event; going up is announced.
  if (level < usage.notified) return [];
  return [
    {
      topic: TOPICS.quotaThresholdReached,
      event: createEvent(
        TOPICS.quotaThresholdReached,
        { customerId, usedBytes: used, quotaBytes: quota, threshold: level },
        { correlationId, producer: PRODUCER },
      ),
    },
  ];
}

/** Undefined when file-service has no such customer. */
export async function getUsage(db: Db, customerId: string) {
  const { rows } = await db.query(
    `SELECT c.used_bytes, c.quota_bytes,
            (SELECT count(*) FROM files f WHERE f.customer_id = c.id AND f.trashed_at IS NULL)::int AS file_count,
            (SELECT coalesce(sum(v.size), 0) FROM files f JOIN file_versions v ON v.file_id = f.id
              WHERE f.customer_id = c.id AND f.trashed_at IS NOT NULL) AS trash_bytes
       FROM customers c WHERE c.id = $1`,
    [customerId],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    usedBytes: Number(r.used_bytes),
    quotaBytes: Number(r.quota_bytes),
    fileCount: r.file_count,
    trashBytes: Number(r.trash_bytes),
  };
}
