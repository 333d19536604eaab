import type pg from "pg";

/** What the database holds in flight, the same for every instance: reservations, open tus uploads, queued deletions. */
export async function readFileGauges(pool: pg.Pool) {
  const { rows } = await pool.query<{ reserved: number; tus: number; deletions: number }>(
    `SELECT (SELECT coalesce(sum(reserved_bytes), 0) FROM customers)::float8 AS reserved,
            (SELECT count(*) FROM resumable_uploads WHERE state IN ('uploading', 'processing'))::int AS tus,
            (SELECT count(*) FROM object_deletions)::int AS deletions`,
  );
  return rows[0]!;
}
