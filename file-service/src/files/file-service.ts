import { TOPICS, createEvent, enqueueEvents, inTransaction, type OutgoingEvent } from "@coffer/contracts";
import type pg from "pg";
import { PRODUCER, changeUsage, ensureCustomer } from "../customers/customer-account.js";
import { Errors } from "../errors.js";
import {
  activeFolderExists,
  findFile,
  findFileByName,
  queueObjectDeletions,
  toFile,
  type FileRecord,
} from "./file-repository.js";
import { validateName, withSuffix } from "./names.js";

export type FileDeps = { pool: pg.Pool; defaultQuotaBytes: number; wakeDeleter: () => void };
type Ctx = { customerId: string; correlationId: string };

export const SORT_COLUMNS = { name: "lower(name)", size: "size", updatedAt: "updated_at" } as const;
export type FileQuery = {
  folderId?: string;
  q?: string;
  sort: keyof typeof SORT_COLUMNS;
  order: "asc" | "desc";
  cursor?: string;
  limit: number;
};

/** The sort value as PostgreSQL compares it: its own lower(), microseconds of updated_at. */
const CURSOR_VALUES: Record<keyof typeof SORT_COLUMNS, string> = {
  name: "lower(name)",
  size: "size",
  updatedAt: `to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
};

/** Where a page starts: the last row's sort value and id, opaque to the client (base64url JSON). */
type Cursor = { v: string | number; id: string };
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString("base64url");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Microseconds: a millisecond cursor would repeat the row it ends on.
const TIMESTAMP = /^((?!0000)\d{4}-\d{2}-\d{2})T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/** A sort value of the right type and in its column's range, or nothing: the cursor is the client's to forge. */
const SORT_VALUE: Record<keyof typeof SORT_COLUMNS, (v: unknown) => boolean> = {
  name: (v) => typeof v === "string" && v.length <= 1000 && !v.includes("\u0000"),
  size: (v) => Number.isSafeInteger(v) && (v as number) >= 0,
  updatedAt: (v) => {
    const date = typeof v === "string" ? TIMESTAMP.exec(v)?.[1] : undefined;
    const time = date === undefined ? NaN : Date.parse(v as string);
    // Date.parse takes 2026-02-30 for March 2nd: the day must survive the round trip.
    return Number.isFinite(time) && new Date(time).toISOString().startsWith(date!);
  },
};

function decodeCursor(raw: string, sort: keyof typeof SORT_COLUMNS): Cursor {
  let cursor: unknown;
  try {
    cursor = JSON.parse(Buffer.from(raw, "base64url").toString());
  } catch {
    throw Errors.invalidCursor();
  }
  if (
    typeof cursor !== "object" ||
    cursor === null ||
    !("v" in cursor && "id" in cursor) ||
    typeof cursor.id !== "string" ||
    !UUID.test(cursor.id) ||
    !SORT_VALUE[sort](cursor.v)
  ) {
    throw Errors.invalidCursor();
  }
  return cursor as Cursor;
}
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Files of a folder, or found by name anywhere, in a stable keyset order (sort value, id): a
 * page costs the same on page 1 and page 1,000, and the trigram index answers the name search.
 */
export async function listFiles(deps: FileDeps, ctx: Ctx, query: FileQuery) {
  const params: unknown[] = [ctx.customerId];
  const where = ["customer_id = $1", "trashed_at IS NULL"];
  if (query.folderId) {
    params.push(query.folderId);
    where.push(`folder_id = $${params.length}`);
  }
  if (query.q) {
    params.push(`%${escapeLike(query.q.toLowerCase())}%`);
    where.push(`lower(name) LIKE $${params.length}`);
  }
  const column = SORT_COLUMNS[query.sort];
  const direction = query.order === "desc" ? "DESC" : "ASC";
  if (query.cursor) {
    const cursor = decodeCursor(query.cursor, query.sort);
    params.push(cursor.v, cursor.id);
    where.push(`(${column}, id) ${direction === "ASC" ? ">" : "<"} ($${params.length - 1}, $${params.length})`);
  }
  params.push(query.limit + 1);
  const { rows } = await deps.pool.query(
    `SELECT *, ${CURSOR_VALUES[query.sort]} AS cursor_value
       FROM files WHERE ${where.join(" AND ")} ORDER BY ${column} ${direction}, id ${direction} LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const v = query.sort === "size" ? Number(last?.cursor_value) : (last?.cursor_value as string);
  return {
    files: page.map(toFile),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ v, id: last.id as string }) : null,
  };
}

export async function getFile(deps: FileDeps, ctx: Ctx, fileId: string): Promise<FileRecord> {
  const file = await findFile(deps.pool, ctx.customerId, fileId);
  if (!file) throw Errors.notFound("File");
  return file;
}

export async function updateFile(
  deps: FileDeps,
  ctx: Ctx,
  fileId: string,
  changes: { name?: string; folderId?: string },
) {
  return inTransaction(deps.pool, async (tx) => {
    const file = await findFile(tx, ctx.customerId, fileId, { lock: true });
    if (!file) throw Errors.notFound("File");
    const name = changes.name === undefined ? file.name : validateName(changes.name);
    const folderId = changes.folderId ?? file.folderId;
    if (!(await activeFolderExists(tx, ctx.customerId, folderId))) throw Errors.notFound("Folder");
    const clash = await findFileByName(tx, folderId, name);
    if (clash && clash.id !== file.id) throw Errors.nameTaken(name);
    const { rows } = await tx.query(
      "UPDATE files SET name = $2, folder_id = $3, updated_at = now() WHERE id = $1 RETURNING *",
      [file.id, name, folderId],
    );
    return toFile(rows[0]!);
  });
}

const fileEvent = (
  topic: typeof TOPICS.fileTrashed | typeof TOPICS.fileRestored | typeof TOPICS.filePurged,
  file: FileRecord,
  correlationId: string,
  size = file.size,
): OutgoingEvent => ({
  topic,
  event: createEvent(
    topic,
    { customerId: file.customerId, fileId: file.id, name: file.name, size },
    { correlationId, producer: PRODUCER },
  ),
});

/** Moves a file to the trash: it keeps counting against the quota until purged. */
export async function trashFile(deps: FileDeps, ctx: Ctx, fileId: string): Promise<void> {
  await inTransaction(deps.pool, async (tx) => {
    const file = await findFile(tx, ctx.customerId, fileId, { lock: true });
    if (!file) throw Errors.notFound("File");
    await tx.query("UPDATE files SET trashed_at = now(), updated_at = now() WHERE id = $1", [file.id]);
    await enqueueEvents(tx, [fileEvent(TOPICS.fileTrashed, file, ctx.correlationId)]);
  });
}

export async function listTrash(deps: FileDeps, ctx: Ctx) {
  const { rows } = await deps.pool.query(
    "SELECT * FROM files WHERE customer_id = $1 AND trashed_at IS NOT NULL ORDER BY trashed_at DESC LIMIT 1000",
    [ctx.customerId],
  );
  return rows.map(toFile);
}

/** Back to its folder, or the root when that folder is gone; a name now taken becomes "name (n)". */
export async function restoreFile(deps: FileDeps, ctx: Ctx, fileId: string): Promise<FileRecord> {
  const rootId = await ensureCustomer(deps.pool, ctx.customerId, deps.defaultQuotaBytes);
  return inTransaction(deps.pool, async (tx) => {
    const file = await findFile(tx, ctx.customerId, fileId, { trashed: true, lock: true });
    if (!file) throw Errors.notFound("Trash item");
    const folderId = (await activeFolderExists(tx, ctx.customerId, file.folderId)) ? file.folderId : rootId;
    let name = file.name;
    for (let n = 1; await findFileByName(tx, folderId, name); n += 1) name = withSuffix(file.name, n);
    const { rows } = await tx.query(
      "UPDATE files SET trashed_at = NULL, folder_id = $2, name = $3, updated_at = now() WHERE id = $1 RETURNING *",
      [file.id, folderId, name],
    );
    const restored = toFile(rows[0]!);
    await enqueueEvents(tx, [fileEvent(TOPICS.fileRestored, restored, ctx.correlationId)]);
    return restored;
  });
}

/**
 * Deletes a trashed file for good: its rows go, every version's object is queued for deletion
 * in the same transaction (never deleted while a row references it, never orphaned), and the
 * quota is given back.
 */
export async function purgeFile(deps: FileDeps, ctx: Ctx, fileId: string): Promise<void> {
  await inTransaction(deps.pool, async (tx) => {
    const file = await findFile(tx, ctx.customerId, fileId, { trashed: true, lock: true });
    if (!file) throw Errors.notFound("Trash item");
    await purgeLocked(tx, file, ctx.correlationId);
  });
  deps.wakeDeleter();
}

export async function purgeLocked(tx: pg.ClientBase, file: FileRecord, correlationId: string): Promise<void> {
  const versions = await tx.query<{ object_key: string; size: string }>(
    "DELETE FROM file_versions WHERE file_id = $1 RETURNING object_key, size",
    [file.id],
  );
  await tx.query("DELETE FROM files WHERE id = $1", [file.id]);
  await queueObjectDeletions(
    tx,
    versions.rows.map((v) => v.object_key),
  );
  const freed = versions.rows.reduce((sum, v) => sum + Number(v.size), 0);
  await enqueueEvents(tx, [
    fileEvent(TOPICS.filePurged, file, correlationId, freed),
    ...(await changeUsage(tx, file.customerId, { usedDelta: -freed }, correlationId)),
  ]);
}

/** The scheduled purge: trash older than the retention period. */
export async function purgeExpiredTrash(deps: FileDeps, retentionDays: number): Promise<number> {
  const { rows } = await deps.pool.query<{ id: string; customer_id: string }>(
    "SELECT id, customer_id FROM files WHERE trashed_at < now() - make_interval(days => $1) LIMIT 500",
    [retentionDays],
  );
  for (const row of rows) {
    await inTransaction(deps.pool, async (tx) => {
      const file = await findFile(tx, row.customer_id, row.id, { trashed: true, lock: true });
      if (file) await purgeLocked(tx, file, "trash-retention");
    });
  }
  if (rows.length > 0) deps.wakeDeleter();
  return rows.length;
}
