import type pg from "pg";

/** Takes the upload's lock for `holder` when it is free or its lease ran out; false when another holds it. */
export async function acquireTusLock(pool: pg.Pool, uploadId: string, holder: string, leaseMs: number) {
  const { rowCount } = await pool.query(
    `INSERT INTO tus_locks AS l (upload_id, holder, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
     ON CONFLICT (upload_id) DO UPDATE
       SET holder = excluded.holder, expires_at = excluded.expires_at, release_requested = false
       WHERE l.expires_at < now()`,
    [uploadId, holder, leaseMs / 1000],
  );
  return rowCount === 1;
}

/** Asks whoever holds the upload's lock to let go. */
export async function requestTusLockRelease(pool: pg.Pool, uploadId: string): Promise<void> {
  await pool.query("UPDATE tus_locks SET release_requested = true WHERE upload_id = $1", [uploadId]);
}

/** Extends the holder's lease: "held", "release requested" (another request waits), or "lost" (taken after it ran out). */
export async function renewTusLock(pool: pg.Pool, uploadId: string, holder: string, leaseMs: number) {
  const { rows } = await pool.query<{ release_requested: boolean }>(
    `UPDATE tus_locks SET expires_at = now() + make_interval(secs => $3)
      WHERE upload_id = $1 AND holder = $2 RETURNING release_requested`,
    [uploadId, holder, leaseMs / 1000],
  );
  if (!rows[0]) return "lost";
  return rows[0].release_requested ? "release requested" : "held";
}

export async function releaseTusLock(pool: pg.Pool, uploadId: string, holder: string): Promise<void> {
  await pool.query("DELETE FROM tus_locks WHERE upload_id = $1 AND holder = $2", [uploadId, holder]);
}

export async function readTusInfo(pool: pg.Pool, uploadId: string): Promise<unknown> {
  const { rows } = await pool.query<{ info: unknown }>("SELECT info FROM tus_upload_info WHERE upload_id = $1", [
    uploadId,
  ]);
  return rows[0]?.info;
}

export async function writeTusInfo(pool: pg.Pool, uploadId: string, info: unknown): Promise<void> {
  await pool.query(
    `INSERT INTO tus_upload_info (upload_id, info) VALUES ($1, $2)
     ON CONFLICT (upload_id) DO UPDATE SET info = excluded.info, updated_at = now()`,
    [uploadId, JSON.stringify(info)],
  );
}

export async function deleteTusInfo(pool: pg.Pool, uploadId: string): Promise<void> {
  await pool.query("DELETE FROM tus_upload_info WHERE upload_id = $1", [uploadId]);
}

/** Forgets the info of uploads older than any that may still be open (their `.info` object stays the source). */
export async function forgetTusInfoOlderThan(pool: pg.Pool, ageMs: number): Promise<number> {
  const { rowCount } = await pool.query(
    "DELETE FROM tus_upload_info WHERE updated_at < now() - make_interval(secs => $1)",
    [ageMs / 1000],
  );
  return rowCount ?? 0;
}
