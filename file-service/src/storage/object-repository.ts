import type pg from "pg";

type Db = pg.ClientBase | pg.Pool;

/** Queues objects for deletion (in the caller's transaction, if any); the object deleter removes them once it commits. */
export async function queueObjectDeletions(tx: Db, keys: readonly string[]): Promise<void> {
  if (keys.length > 0) {
    await tx.query("INSERT INTO object_deletions (object_key) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING", [
      keys,
    ]);
  }
}

/** The oldest queued deletions, locked until the transaction ends; another instance takes the next ones. */
export async function lockQueuedDeletions(tx: pg.ClientBase, limit: number): Promise<string[]> {
  const { rows } = await tx.query<{ object_key: string }>(
    "SELECT object_key FROM object_deletions ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED",
    [limit],
  );
  return rows.map((r) => r.object_key);
}

export async function forgetDeletions(tx: pg.ClientBase, keys: readonly string[]): Promise<void> {
  await tx.query("DELETE FROM object_deletions WHERE object_key = ANY($1)", [keys]);
}

/**
 * The keys no row references: no version, no queued deletion, no open resumable upload (tus
 * keeps `<id>`, `<id>.info` and `<id>.part`).
 */
export async function unreferencedKeys(db: pg.Pool, keys: readonly string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ key: string }>(
    `SELECT k AS key FROM unnest($1::text[]) AS k
      WHERE NOT EXISTS (SELECT 1 FROM file_versions WHERE object_key = k)
        AND NOT EXISTS (SELECT 1 FROM object_deletions WHERE object_key = k)
        AND NOT EXISTS (SELECT 1 FROM resumable_uploads
                         WHERE id = regexp_replace(k, '\\.(info|part)$', '') AND state IN ('uploading', 'processing'))`,
    [keys],
  );
  return new Set(rows.map((r) => r.key));
}
