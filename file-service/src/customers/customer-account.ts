import { randomUUID } from "node:crypto";
import { AccessErrors, TOPICS, createEvent, type OutgoingEvent } from "@coffer/contracts";
import type pg from "pg";

export const PRODUCER = "file-service";
type Db = pg.ClientBase | pg.Pool;

/**
 * Creates the customer's account and root folder on first use; a no-op afterwards. A deleted
 * customer's tombstone refuses it, whatever token or replayed event still arrives: the creation
 * upserts the customer's access row, which the tombstone also writes, so one waits for the other.
 */
export async function ensureCustomer(db: Db, customerId: string, quotaBytes: number): Promise<string> {
  const existing = await db.query<{ root_folder_id: string }>("SELECT root_folder_id FROM customers WHERE id = $1", [
    customerId,
  ]);
  if (existing.rows[0]) return existing.rows[0].root_folder_id;
  const rootId = randomUUID();
  const { rows } = await db.query<{ deleted: boolean; root_folder_id: string | null }>(
    `WITH access AS (
       INSERT INTO customer_access (customer_id) VALUES ($1)
       ON CONFLICT (customer_id) DO UPDATE SET customer_id = excluded.customer_id RETURNING deleted_at
     ), account AS (
       INSERT INTO customers (id, quota_bytes, root_folder_id) SELECT $1, $2, $3 FROM access WHERE deleted_at IS NULL
       ON CONFLICT (id) DO NOTHING RETURNING root_folder_id
     ), root AS (
       INSERT INTO folders (id, customer_id, parent_id, name) SELECT $3, $1, NULL, '' FROM account
     )
     SELECT (SELECT deleted_at IS NOT NULL FROM access) AS deleted, (SELECT root_folder_id FROM account)`,
    [customerId, quotaBytes, rootId],
  );
  if (rows[0]!.deleted) throw AccessErrors.tokenRevoked("The account no longer exists");
  if (rows[0]!.root_folder_id) return rows[0]!.root_folder_id;
  // A concurrent first request won the insert: its row is committed now, read it.
  const winner = await db.query<{ root_folder_id: string }>("SELECT root_folder_id FROM customers WHERE id = $1", [
    customerId,
  ]);
  return winner.rows[0]!.root_folder_id;
}

/** Records the customer's display name, unless a newer profile event has been applied already. */
export async function applyDisplayName(
  db: Db,
  customerId: string,
  profile: { displayName: string; occurredAt: Date },
): Promise<void> {
  await db.query(
    `UPDATE customers SET display_name = $2, profile_at = $3
      WHERE id = $1 AND (profile_at IS NULL OR profile_at <= $3)`,
    [customerId, profile.displayName, profile.occurredAt],
  );
}

export async function findDisplayName(db: Db, customerId: string): Promise<string | null> {
  const { rows } = await db.query<{ display_name: string | null }>("SELECT display_name FROM customers WHERE id = $1", [
    customerId,
  ]);
  return rows[0]?.display_name ?? null;
}

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
  const { rows } = await tx.query<{ used: string; quota: string; notified: number }>(
    `UPDATE customers SET used_bytes = used_bytes + $2, reserved_bytes = greatest(0, reserved_bytes - $3)
      WHERE id = $1 RETURNING used_bytes AS used, quota_bytes AS quota, notified_threshold AS notified`,
    [customerId, change.usedDelta, change.releaseReserved ?? 0],
  );
  return thresholdEvents(tx, customerId, rows[0]!, correlationId);
}

async function thresholdEvents(
  tx: pg.ClientBase,
  customerId: string,
  usage: { used: string; quota: string; notified: number },
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

export async function setQuota(tx: pg.ClientBase, customerId: string, quotaBytes: number, correlationId: string) {
  const { rows } = await tx.query<{ used: string; quota: string; notified: number }>(
    `UPDATE customers SET quota_bytes = $2 WHERE id = $1
     RETURNING used_bytes AS used, quota_bytes AS quota, notified_threshold AS notified`,
    [customerId, quotaBytes],
  );
  return rows[0] ? thresholdEvents(tx, customerId, rows[0], correlationId) : undefined;
}

export async function getUsage(db: Db, customerId: string) {
  const { rows } = await db.query(
    `SELECT c.used_bytes, c.quota_bytes,
            (SELECT count(*) FROM files f WHERE f.customer_id = c.id AND f.trashed_at IS NULL)::int AS file_count,
            (SELECT coalesce(sum(v.size), 0) FROM files f JOIN file_versions v ON v.file_id = f.id
              WHERE f.customer_id = c.id AND f.trashed_at IS NOT NULL) AS trash_bytes
       FROM customers c WHERE c.id = $1`,
    [customerId],
  );
  const r = rows[0]!;
  return {
    usedBytes: Number(r.used_bytes),
    quotaBytes: Number(r.quota_bytes),
    fileCount: r.file_count,
    trashBytes: Number(r.trash_bytes),
  };
}
