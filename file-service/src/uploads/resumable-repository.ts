import type pg from "pg";

type Db = pg.ClientBase | pg.Pool;

/** A tus upload's row: what the completion needs, from its creation on. */
export type ResumableUpload = {
  id: string;
  customerId: string;
  folderId: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string | null;
  correlationId: string;
};

export type UploadState = "uploading" | "processing" | "done" | "failed";

const toUpload = (r: Record<string, unknown>): ResumableUpload => ({
  id: r.id as string,
  customerId: r.customer_id as string,
  folderId: r.folder_id as string,
  name: r.name as string,
  contentType: r.content_type as string,
  size: Number(r.size),
  sha256: r.sha256 as string | null,
  correlationId: r.correlation_id as string,
});

export async function insertUpload(db: Db, upload: ResumableUpload): Promise<void> {
  await db.query(
    `INSERT INTO resumable_uploads (id, customer_id, folder_id, name, content_type, size, sha256, correlation_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      upload.id,
      upload.customerId,
      upload.folderId,
      upload.name,
      upload.contentType,
      upload.size,
      upload.sha256,
      upload.correlationId,
    ],
  );
}

/** The customer's upload's state and outcome; undefined when it is not theirs or not there. */
export async function findUploadStatus(db: Db, customerId: string, id: string) {
  const { rows } = await db.query<{ state: UploadState; file_id: string | null; error_code: string | null }>(
    "SELECT state, file_id, error_code FROM resumable_uploads WHERE id = $1 AND customer_id = $2",
    [id, customerId],
  );
  const row = rows[0];
  return row && { state: row.state, fileId: row.file_id, errorCode: row.error_code };
}

/** Hands a fully received upload to the completion: false when it is no longer open. */
export async function markProcessing(db: Db, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    "UPDATE resumable_uploads SET state = 'processing', updated_at = now() WHERE id = $1 AND state = 'uploading'",
    [id],
  );
  return rowCount === 1;
}

/**
 * Claims the oldest upload waiting for its completion that nobody holds (or whose holder's lease
 * ran out), for `worker` during `leaseMs`; undefined when there is none.
 */
export async function claimProcessing(db: Db, worker: string, leaseMs: number): Promise<ResumableUpload | undefined> {
  const { rows } = await db.query(
    `UPDATE resumable_uploads SET claimed_by = $1, lease_until = now() + make_interval(secs => $2)
      WHERE id = (
        SELECT id FROM resumable_uploads
         WHERE state = 'processing' AND (lease_until IS NULL OR lease_until < now())
         ORDER BY updated_at LIMIT 1 FOR UPDATE SKIP LOCKED
      )
      RETURNING *`,
    [worker, leaseMs / 1000],
  );
  return rows[0] ? toUpload(rows[0]) : undefined;
}

/** Extends the worker's claim; false when another worker took the upload after the lease ran out. */
export async function renewClaim(db: Db, id: string, worker: string, leaseMs: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE resumable_uploads SET lease_until = now() + make_interval(secs => $3)
      WHERE id = $1 AND state = 'processing' AND claimed_by = $2`,
    [id, worker, leaseMs / 1000],
  );
  return rowCount === 1;
}

/** Locks the upload for the recording transaction while `worker` still holds its claim; false when it lost it. */
export async function lockClaim(tx: pg.ClientBase, id: string, worker: string): Promise<boolean> {
  const { rowCount } = await tx.query(
    "SELECT 1 FROM resumable_uploads WHERE id = $1 AND state = 'processing' AND claimed_by = $2 FOR UPDATE",
    [id, worker],
  );
  return rowCount === 1;
}

export async function markDone(tx: pg.ClientBase, id: string, fileId: string): Promise<void> {
  await tx.query("UPDATE resumable_uploads SET state = 'done', file_id = $2, updated_at = now() WHERE id = $1", [
    id,
    fileId,
  ]);
}

export async function markFailed(tx: pg.ClientBase, id: string, errorCode: "CHECKSUM_MISMATCH"): Promise<void> {
  await tx.query("UPDATE resumable_uploads SET state = 'failed', error_code = $2, updated_at = now() WHERE id = $1", [
    id,
    errorCode,
  ]);
}

/** Deletes an upload still open: its customer and the bytes it reserved, undefined when it was not open. */
export async function deleteOpenUpload(tx: pg.ClientBase, id: string) {
  const { rows } = await tx.query<{ customer_id: string; size: string }>(
    "DELETE FROM resumable_uploads WHERE id = $1 AND state = 'uploading' RETURNING customer_id, size",
    [id],
  );
  return rows[0] && { customerId: rows[0].customer_id, size: Number(rows[0].size) };
}

/** Fails the uploads still open `olderThanMs` after their creation: each one's id, customer and reserved bytes. */
export async function expireOpenUploads(db: Db, olderThanMs: number) {
  const { rows } = await db.query<{ id: string; customer_id: string; size: string }>(
    `UPDATE resumable_uploads SET state = 'failed', error_code = 'EXPIRED', updated_at = now()
      WHERE state = 'uploading' AND created_at < now() - make_interval(secs => $1) RETURNING id, customer_id, size`,
    [olderThanMs / 1000],
  );
  return rows.map((r) => ({ id: r.id, customerId: r.customer_id, size: Number(r.size) }));
}

/** The upload's running SHA-256: its state after the first `offset` bytes; undefined when none is kept. */
export async function readRunningHash(db: Db, id: string) {
  const { rows } = await db.query<{ sha256_offset: string | null; sha256_state: Buffer | null }>(
    "SELECT sha256_offset, sha256_state FROM resumable_uploads WHERE id = $1",
    [id],
  );
  const row = rows[0];
  return row?.sha256_state ? { offset: Number(row.sha256_offset), state: row.sha256_state } : undefined;
}

/**
 * Moves the running hash on from `from` bytes (null: none kept) to `to`, or forgets it (`to`
 * undefined) when it no longer follows the upload; only while it is still the one the chunk
 * started from.
 */
export async function moveRunningHash(
  db: Db,
  id: string,
  from: number | null,
  to: { offset: number; state: Uint8Array } | undefined,
): Promise<void> {
  await db.query(
    `UPDATE resumable_uploads SET sha256_offset = $3, sha256_state = $4
      WHERE id = $1 AND sha256_offset IS NOT DISTINCT FROM $2`,
    [id, from, to?.offset ?? null, to ? Buffer.from(to.state) : null],
  );
}
