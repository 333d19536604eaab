import type pg from "pg";

type Db = pg.ClientBase | pg.Pool;

export type ShareRow = {
  id: string;
  customer_id: string;
  file_id: string;
  password_hash: string | null;
  expires_at: Date;
  max_downloads: number | null;
  download_count: number;
  served_bytes: string;
  revoked_at: Date | null;
  recipients: string[];
  failed_unlocks: number;
  locked_until: Date | null;
  created_at: Date;
};

/** A share found by its token, with its file's current size (what a download is counted in). */
export type LinkRow = ShareRow & { file_size: string; owner_inactive: boolean };

export async function insertShare(
  tx: pg.ClientBase,
  share: {
    id: string;
    customerId: string;
    fileId: string;
    tokenHash: string;
    passwordHash: string | null;
    expiresAt: Date;
    maxDownloads: number | null;
    recipients: string[];
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO shares (id, customer_id, file_id, token_hash, password_hash, expires_at, max_downloads, recipients)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      share.id,
      share.customerId,
      share.fileId,
      share.tokenHash,
      share.passwordHash,
      share.expiresAt,
      share.maxDownloads,
      share.recipients,
    ],
  );
}

/** The customer's shares neither revoked nor expired, newest first. */
export async function findLiveShares(db: Db, customerId: string): Promise<ShareRow[]> {
  const { rows } = await db.query<ShareRow>(
    "SELECT * FROM shares WHERE customer_id = $1 AND revoked_at IS NULL AND expires_at > now() ORDER BY created_at DESC LIMIT 500",
    [customerId],
  );
  return rows;
}

/** False when the customer has no such share, or revoked it already. */
export async function markRevoked(db: Db, customerId: string, shareId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    "UPDATE shares SET revoked_at = now() WHERE id = $1 AND customer_id = $2 AND revoked_at IS NULL",
    [shareId, customerId],
  );
  return rowCount === 1;
}

/** Whether the owner is disabled or deleted comes from customer_access, the projection of their account. */
export async function findShareByTokenHash(db: Db, tokenHash: string): Promise<LinkRow | undefined> {
  const { rows } = await db.query<LinkRow>(
    `SELECT s.*, f.size AS file_size, coalesce(a.disabled OR a.deleted_at IS NOT NULL, false) AS owner_inactive
       FROM shares s JOIN files f ON f.id = s.file_id LEFT JOIN customer_access a ON a.customer_id = s.customer_id
      WHERE s.token_hash = $1`,
    [tokenHash],
  );
  return rows[0];
}

/**
 * Counts an unlock attempt as a failure unless the share is locked, in one statement: the
 * `maxFailed`th failure locks it for 2 s, each one after it doubles that (at most 15 minutes).
 * False when it is locked: the attempt may not be checked.
 */
export async function countUnlockAttempt(db: Db, shareId: string, maxFailed: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE shares SET failed_unlocks = failed_unlocks + 1,
       locked_until = CASE WHEN failed_unlocks + 1 >= $2
                           THEN now() + make_interval(secs => least(900, power(2, failed_unlocks + 2 - $2)))
                           ELSE locked_until END
     WHERE id = $1 AND (locked_until IS NULL OR locked_until <= now())`,
    [shareId, maxFailed],
  );
  return rowCount === 1;
}

/** Seconds until the share's lock ends (null or negative when it is not locked). */
export async function lockedForSeconds(db: Db, shareId: string): Promise<number | null> {
  const { rows } = await db.query<{ wait: number | null }>(
    "SELECT extract(epoch FROM locked_until - now())::float8 AS wait FROM shares WHERE id = $1",
    [shareId],
  );
  return rows[0]?.wait ?? null;
}

export async function resetUnlockAttempts(db: Db, shareId: string): Promise<void> {
  await db.query("UPDATE shares SET failed_unlocks = 0, locked_until = NULL WHERE id = $1", [shareId]);
}

export async function insertGrant(db: Db, grantHash: string, shareId: string, ttlSeconds: number): Promise<void> {
  await db.query(
    "INSERT INTO share_grants (grant_hash, share_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))",
    [grantHash, shareId, ttlSeconds],
  );
}

export async function hasLiveGrant(db: Db, shareId: string, grantHash: string): Promise<boolean> {
  const { rowCount } = await db.query(
    "SELECT 1 FROM share_grants WHERE grant_hash = $1 AND share_id = $2 AND expires_at > now()",
    [grantHash, shareId],
  );
  return rowCount === 1;
}

export async function purgeExpiredGrants(db: Db): Promise<void> {
  await db.query("DELETE FROM share_grants WHERE expires_at < now()");
}

/**
 * Adds `bytes` to what a live share served, and counts a new download when every counted one
 * was served in full (`unit` bytes each) or when the bytes do not fit in those counted (with
 * `tolerance`); the counts before and after, or undefined when that would pass `max_downloads`.
 */
export async function chargeServedBytes(
  tx: pg.ClientBase,
  charge: { shareId: string; bytes: number; unit: number; tolerance: number },
) {
  const { rows } = await tx.query<{ before: number; after: number; customer_id: string; file_id: string }>(
    `WITH charge AS (
       SELECT id, download_count AS before, served_bytes + $2 AS served,
              greatest(download_count + CASE WHEN served_bytes >= download_count::bigint * $3 THEN 1 ELSE 0 END,
                       ceil((served_bytes + $2 - $4)::numeric / $3)::integer) AS after
         FROM shares WHERE id = $1 AND revoked_at IS NULL AND expires_at > now() FOR UPDATE
     )
     UPDATE shares s SET served_bytes = charge.served, download_count = charge.after
       FROM charge
      WHERE s.id = charge.id AND (s.max_downloads IS NULL OR charge.after <= s.max_downloads)
      RETURNING charge.before, charge.after, s.customer_id, s.file_id`,
    [charge.shareId, charge.bytes, charge.unit, charge.tolerance],
  );
  return rows[0];
}

export async function refundServedBytes(db: Db, shareId: string, bytes: number): Promise<void> {
  await db.query("UPDATE shares SET served_bytes = greatest(0, served_bytes - $2) WHERE id = $1", [shareId, bytes]);
}

/** Serialises the customer's share creations until the transaction ends, on every instance. */
export async function lockShareSends(tx: pg.ClientBase, customerId: string): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`share-sends:${customerId}`]);
}

/** The customer's sends of the last day, oldest first, with their age in seconds. */
export async function findRecentSends(tx: pg.ClientBase, customerId: string) {
  const { rows } = await tx.query<{ recipients: number; age: number }>(
    `SELECT recipients, extract(epoch FROM now() - created_at)::float8 AS age
       FROM share_sends WHERE customer_id = $1 AND created_at > now() - interval '1 day' ORDER BY created_at`,
    [customerId],
  );
  return rows;
}

export async function insertSend(
  tx: pg.ClientBase,
  send: { customerId: string; shareId: string; recipients: number },
): Promise<void> {
  await tx.query("INSERT INTO share_sends (share_id, customer_id, recipients) VALUES ($1, $2, $3)", [
    send.shareId,
    send.customerId,
    send.recipients,
  ]);
}

export async function purgeOldSends(db: Db): Promise<void> {
  await db.query("DELETE FROM share_sends WHERE created_at <= now() - interval '1 day'");
}
