import { randomUUID } from "node:crypto";
import { AccessErrors } from "@coffer/contracts/http";
import type pg from "pg";

type Db = pg.ClientBase | pg.Pool;

/**
 * Creates the customer's account and root folder on first use; a no-op afterwards. A deleted
 * customer's tombstone refuses it, whatever token or replayed event still arrives: the creation
 * upserts the customer's access row, which the tombstone also writes, so one waits for the other.
 * Answers the root folder's id.
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

/**
 * Locks the customer's row until the transaction ends: the changes that must not interleave
 * (recording a version, moving folders, opening uploads, the erasure) take it first.
 */
export async function lockCustomer(tx: pg.ClientBase, customerId: string): Promise<void> {
  await tx.query("SELECT 1 FROM customers WHERE id = $1 FOR UPDATE", [customerId]);
}

export async function deleteCustomer(tx: pg.ClientBase, customerId: string): Promise<void> {
  await tx.query("DELETE FROM customers WHERE id = $1", [customerId]);
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
