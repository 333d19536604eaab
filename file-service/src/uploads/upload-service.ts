import { randomUUID } from "node:crypto";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import { TOPICS, createEvent, enqueueEvents } from "@coffer/contracts";
import { inTransaction } from "@coffer/contracts/pg";
import type pg from "pg";
import { ensureCustomer, lockCustomer } from "../accounts/account-repository.js";
import { Errors } from "../errors.js";
import {
  findFileByName,
  insertFile,
  insertVersion,
  pruneVersions,
  setCurrentVersion,
  type FileRecord,
} from "../files/file-repository.js";
import { getFileVersion } from "../files/file-service.js";
import { activeFolderExists } from "../folders/folder-repository.js";
import { validateName } from "../names.js";
import { changeUsage } from "../quotas/quota-repository.js";
import { PRODUCER } from "../service.js";
import { MAX_SINGLE_PUT_BYTES, type FileStorage } from "../storage/file-storage.js";
import { queueObjectDeletions } from "../storage/object-repository.js";
import { UploadMeter } from "./upload-meter.js";
import type { UploadSlot, UploadSlots } from "./upload-slots.js";

export type UploadDeps = {
  pool: pg.Pool;
  storage: FileStorage;
  wakeDeleter: () => void;
  limits: { defaultQuotaBytes: number; maxFileSizeBytes: number; maxVersions: number };
  slots: UploadSlots;
};

export type UploadInput = {
  customerId: string;
  folderId?: string;
  fileName: string;
  contentType: string;
  content: Readable;
  /** Hex SHA-256 the client computed, when it sent one. */
  expectedSha256?: string;
  /** What the request announces (Content-Length less the multipart framing): reserved before streaming. */
  announcedBytes?: number;
  /** The file's exact size, when the client announced it: reserved, then streamed to storage unbuffered. */
  exactBytes?: number;
  correlationId: string;
};

/**
 * Streams an upload to MinIO in constant memory while hashing and counting it; the size limit
 * and the quota are enforced while it streams, against a reservation a crash cannot leak (see
 * `UploadSlots`). Only then are the rows written, with the `file.uploaded` event, in one
 * transaction. A failure anywhere removes the object: nothing is recorded, nothing is left in
 * storage. A name that exists in the folder gets a new version.
 */
export async function uploadFile(deps: UploadDeps, input: UploadInput): Promise<FileRecord> {
  const { pool, storage, limits } = deps;
  let folderId: string, name: string, contentType: string, announced: number, slot: UploadSlot;
  const objectKey = `${input.customerId}/${randomUUID()}`;
  try {
    const rootId = await ensureCustomer(pool, input.customerId, limits.defaultQuotaBytes);
    folderId = input.folderId ?? rootId;
    if (!(await activeFolderExists(pool, input.customerId, folderId))) throw Errors.notFound("Folder");
    name = validateName(input.fileName);
    contentType = input.contentType || "application/octet-stream";
    // Reserving what the request announces first makes the first of two racing uploads win
    // outright, instead of both reserving piecemeal until neither fits.
    announced = input.exactBytes ?? Math.max(0, input.announcedBytes ?? 0);
    if (announced > limits.maxFileSizeBytes) throw Errors.fileTooLarge(limits.maxFileSizeBytes);
    slot = await deps.slots.open(input.customerId, announced, { objectKey });
  } catch (error) {
    // Read and drop the body: a client that sends it all before reading the answer must get the answer.
    input.content.resume();
    throw error;
  }
  const meter = new UploadMeter(limits.maxFileSizeBytes, (bytes) => slot.grow(bytes), announced, input.exactBytes);
  let stored = false;
  try {
    let limitError: unknown, bodyError: unknown;
    meter.once("error", (error) => (limitError = error));
    input.content.once("error", (error) => (bodyError = error));
    const put =
      input.exactBytes !== undefined && input.exactBytes <= MAX_SINGLE_PUT_BYTES
        ? storage.putSized(objectKey, meter, input.exactBytes, contentType)
        : storage.put(objectKey, meter, contentType);
    await Promise.all([pipeline(input.content, meter), put]).catch((error: unknown) => {
      // Either side may fail first: stop the other so nothing keeps streaming. A limit the
      // meter enforced, or the body's own failure, is the cause to report, whatever storage
      // said about the cut stream.
      input.content.destroy();
      meter.destroy();
      throw limitError ?? bodyError ?? error;
    });
    stored = true;
    const sha256 = meter.sha256;
    if (input.expectedSha256 && input.expectedSha256 !== sha256) throw Errors.checksumMismatch();
    return await inTransaction(pool, async (tx) =>
      recordVersion(tx, deps, {
        ...input,
        folderId,
        name,
        contentType,
        objectKey,
        size: meter.bytes,
        sha256,
        reserved: await slot.consume(tx),
      }),
    );
  } catch (error) {
    // MinIO is down: the deleter removes the object when it is back.
    await storage.remove([objectKey]).catch(() => queueObjectDeletions(pool, [objectKey]));
    if (!stored && isStorageFailure(error)) throw Errors.storageUnavailable(error);
    throw error;
  } finally {
    await slot.release().catch(() => undefined);
  }
}

/**
 * Makes an old version current again as a new version (a server-side copy in MinIO, counted
 * against the quota), so restoring never loses the version it replaces.
 */
export async function restoreVersion(
  deps: UploadDeps,
  ctx: { customerId: string; correlationId: string },
  fileId: string,
  versionNumber: number,
): Promise<FileRecord> {
  const { file, version } = await getFileVersion(deps, ctx, fileId, versionNumber);
  const slot = await deps.slots.open(ctx.customerId, version.size, { capped: false });
  const objectKey = `${ctx.customerId}/${randomUUID()}`;
  try {
    await deps.storage.copy(version.objectKey, objectKey);
    const restored = await inTransaction(deps.pool, async (tx) =>
      recordVersion(tx, deps, {
        ...ctx,
        folderId: file.folderId,
        name: file.name,
        contentType: version.contentType,
        objectKey,
        size: version.size,
        sha256: version.sha256,
        reserved: await slot.consume(tx),
      }),
    );
    deps.wakeDeleter();
    return restored;
  } catch (error) {
    await deps.storage.remove([objectKey]).catch(() => undefined);
    throw isStorageFailure(error) ? Errors.storageUnavailable(error) : error;
  } finally {
    await slot.release().catch(() => undefined);
  }
}

function isStorageFailure(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === "ECONNREFUSED" || code === "ECONNRESET" || code === "ETIMEDOUT" || code === "EPIPE";
}

/** A stored object about to become a file's newest version. */
type NewVersion = {
  customerId: string;
  correlationId: string;
  folderId: string;
  name: string;
  contentType: string;
  objectKey: string;
  size: number;
  sha256: string;
  /** Bytes reserved for it while it streamed, now turned into use. */
  reserved: number;
};

/** Commits a stored object as its file's newest version (a new file for a new name), in the caller's transaction. */
export async function recordVersion(tx: pg.ClientBase, deps: UploadDeps, u: NewVersion): Promise<FileRecord> {
  // Serialises one customer's uploads at commit time: usage and version numbers stay exact.
  await lockCustomer(tx, u.customerId);
  const existing = await findFileByName(tx, u.folderId, u.name);
  const version = (existing?.currentVersion ?? 0) + 1;
  const content = { version, size: u.size, contentType: u.contentType, sha256: u.sha256 };
  const file = existing
    ? await setCurrentVersion(tx, existing.id, content)
    : await insertFile(tx, { ...u, id: randomUUID() });
  await insertVersion(tx, file.id, { ...content, objectKey: u.objectKey });
  // Keep the newest N versions; older ones leave the database and, after commit, storage.
  const pruned = await pruneVersions(tx, file.id, version - deps.limits.maxVersions);
  await queueObjectDeletions(
    tx,
    pruned.map((v) => v.objectKey),
  );
  const freed = pruned.reduce((sum, v) => sum + v.size, 0);
  await enqueueEvents(tx, [
    {
      topic: TOPICS.fileUploaded,
      event: createEvent(
        TOPICS.fileUploaded,
        {
          customerId: u.customerId,
          fileId: file.id,
          folderId: u.folderId,
          name: u.name,
          size: u.size,
          contentType: u.contentType,
          sha256: u.sha256,
          version,
        },
        { correlationId: u.correlationId, producer: PRODUCER },
      ),
    },
    ...(await changeUsage(
      tx,
      u.customerId,
      { usedDelta: u.size - freed, releaseReserved: u.reserved },
      u.correlationId,
    )),
  ]);
  return file;
}
