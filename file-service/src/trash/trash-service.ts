import { TOPICS, createEvent, enqueueEvents, type OutgoingEvent } from "@coffer/contracts";
import { inTransaction } from "@coffer/contracts/pg";
import type pg from "pg";
import { ensureCustomer } from "../accounts/account-repository.js";
import { Errors } from "../errors.js";
import {
  deleteFile,
  findExpiredTrash,
  findFile,
  findFileByName,
  findTrashedFiles,
  markTrashed,
  trashFilesIn,
  untrashFile,
  type FileRecord,
} from "../files/file-repository.js";
import { activeFolderExists, findFolder, trashFolderTree } from "../folders/folder-repository.js";
import { withSuffix } from "../names.js";
import { changeUsage } from "../quotas/quota-repository.js";
import { PRODUCER } from "../service.js";
import { queueObjectDeletions } from "../storage/object-repository.js";

export type TrashDeps = {
  pool: pg.Pool;
  limits: { defaultQuotaBytes: number; trashRetentionDays: number };
  wakeDeleter: () => void;
};
type Ctx = { customerId: string; correlationId: string };

const EXPIRED_BATCH = 500;

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
export async function trashFile(deps: TrashDeps, ctx: Ctx, fileId: string): Promise<void> {
  await inTransaction(deps.pool, async (tx) => {
    const file = await findFile(tx, ctx.customerId, fileId, { lock: true });
    if (!file) throw Errors.notFound("File");
    await markTrashed(tx, file.id);
    await enqueueEvents(tx, [fileEvent(TOPICS.fileTrashed, file, ctx.correlationId)]);
  });
}

/** Moves a folder and everything under it to the trash; its files appear in the trash one by one. */
export async function trashFolder(deps: TrashDeps, ctx: Ctx, folderId: string): Promise<void> {
  await inTransaction(deps.pool, async (tx) => {
    const folder = await findFolder(tx, ctx.customerId, folderId, { lock: true });
    if (!folder) throw Errors.notFound("Folder");
    if (folder.parentId === null) throw Errors.rootFolder();
    const files = await trashFilesIn(tx, await trashFolderTree(tx, folder.id));
    await enqueueEvents(
      tx,
      files.map((file) => fileEvent(TOPICS.fileTrashed, file, ctx.correlationId)),
    );
  });
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The trashed files, each with when it went in and when the retention ends for it. */
export async function listTrash(deps: TrashDeps, ctx: Ctx) {
  const files = await findTrashedFiles(deps.pool, ctx.customerId);
  return files.map((file) => {
    const trashedAt = file.trashedAt!;
    return { file, trashedAt, purgeAt: new Date(trashedAt.getTime() + deps.limits.trashRetentionDays * DAY_MS) };
  });
}

/** Back to its folder, or the root when that folder is gone; a name now taken becomes "name (n)". */
export async function restoreFile(deps: TrashDeps, ctx: Ctx, fileId: string): Promise<FileRecord> {
  const rootId = await ensureCustomer(deps.pool, ctx.customerId, deps.limits.defaultQuotaBytes);
  return inTransaction(deps.pool, async (tx) => {
    const file = await findFile(tx, ctx.customerId, fileId, { trashed: true, lock: true });
    if (!file) throw Errors.notFound("Trash item");
    const folderId = (await activeFolderExists(tx, ctx.customerId, file.folderId)) ? file.folderId : rootId;
    let name = file.name;
    for (let n = 1; await findFileByName(tx, folderId, name); n += 1) name = withSuffix(file.name, n);
    const restored = await untrashFile(tx, file.id, { folderId, name });
    await enqueueEvents(tx, [fileEvent(TOPICS.fileRestored, restored, ctx.correlationId)]);
    return restored;
  });
}

/**
 * Deletes a trashed file for good: its rows go, every version's object is queued for deletion
 * in the same transaction (never deleted while a row references it, never orphaned), and the
 * quota is given back.
 */
export async function purgeFile(deps: TrashDeps, ctx: Ctx, fileId: string): Promise<void> {
  await inTransaction(deps.pool, async (tx) => {
    const file = await findFile(tx, ctx.customerId, fileId, { trashed: true, lock: true });
    if (!file) throw Errors.notFound("Trash item");
    await purgeLocked(tx, file, ctx.correlationId);
  });
  deps.wakeDeleter();
}

/** The scheduled purge: trash older than the retention period, a batch at a time. */
export async function purgeExpiredTrash(deps: TrashDeps): Promise<number> {
  const expired = await findExpiredTrash(deps.pool, deps.limits.trashRetentionDays, EXPIRED_BATCH);
  for (const { id, customerId } of expired) {
    await inTransaction(deps.pool, async (tx) => {
      const file = await findFile(tx, customerId, id, { trashed: true, lock: true });
      if (file) await purgeLocked(tx, file, "trash-retention");
    });
  }
  if (expired.length > 0) deps.wakeDeleter();
  return expired.length;
}

async function purgeLocked(tx: pg.ClientBase, file: FileRecord, correlationId: string): Promise<void> {
  const removed = await deleteFile(tx, file.id);
  await queueObjectDeletions(
    tx,
    removed.map((v) => v.objectKey),
  );
  const freed = removed.reduce((sum, v) => sum + v.size, 0);
  await enqueueEvents(tx, [
    fileEvent(TOPICS.filePurged, file, correlationId, freed),
    ...(await changeUsage(tx, file.customerId, { usedDelta: -freed }, correlationId)),
  ]);
}
