import { createHash, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import { type EventLogger } from "@coffer/contracts";
import { inTransaction } from "@coffer/contracts/pg";
import { ERRORS, EVENTS, Server, type Upload } from "@tus/server";
import { ensureCustomer } from "../accounts/account-repository.js";
import type { Config } from "../config.js";
import { Errors, tusError } from "../errors.js";
import { findFile } from "../files/file-repository.js";
import { activeFolderExists } from "../folders/folder-repository.js";
import { validateName } from "../names.js";
import { releaseBytes, reserveBytes } from "../quotas/quota-repository.js";
import type { FileStorage } from "../storage/file-storage.js";
import { queueObjectDeletions } from "../storage/object-repository.js";
import {
  claimProcessing,
  deleteOpenUpload,
  expireOpenUploads,
  findUploadStatus,
  insertUpload,
  lockClaim,
  markDone,
  markFailed,
  markProcessing,
  renewClaim,
} from "./resumable-repository.js";
import { forgetTusInfoOlderThan } from "./tus-state-repository.js";
import { HashingS3Store, runningSha256, withChunkLength } from "./running-hash.js";
import { createTusLeaseMemos } from "./tus-lease-memos.js";
import { createTusInfoStore, createTusLocker } from "./tus-shared-state.js";
import { recordVersion, type UploadDeps } from "./upload-service.js";

export const UPLOADS_PATH = "/files/uploads";
/** Set by the route from the verified JWT (a client's own value is dropped first). */
export const CUSTOMER_HEADER = "x-coffer-customer";
/** Set by the route: the upload it checked (or, for a creation, the id it chose). tus acts on this one. */
export const UPLOAD_HEADER = "x-coffer-upload";
const CORRELATION_HEADER = "x-correlation-id";

/** The object key has a slash; the URL has one segment: `<customerId>~<uuid>`. */
export const uploadIdOf = (segment: string) => segment.replace("~", "/");
export const segmentOf = (uploadId: string) => uploadId.replace("/", "~");

/** An upload not finished this long after its creation is abandoned. */
export const UPLOAD_EXPIRY_MS = 24 * 3600_000;

export type ResumableDeps = UploadDeps & { minio: Config["minio"]; logger: EventLogger };

type TusRequest = { headers: Headers; method: string; url: string };
const trusted = (req: TusRequest, name: string) => req.headers.get(name) ?? "";

/**
 * tus 1.0 at /files/uploads, with @tus/server and its S3 store on MinIO: creation,
 * creation-with-upload, termination, expiration. Upload state lives in MinIO, so an upload
 * resumes after a restart. Creation checks the name, the folder and the size limit, and
 * reserves the whole length against the quota; the last chunk only queues the completion,
 * which the completion worker does in the background (see `completeResumableUploads`).
 *
 * tus never reads an upload id from the URL: it takes the one the route checked, from a header
 * only the route sets, and checks again, per request, that this customer has it open.
 */
export function createResumableUploads(deps: ResumableDeps): Server {
  const { minio } = deps;
  const memos = createTusLeaseMemos();
  const server = new Server({
    path: UPLOADS_PATH,
    datastore: new HashingS3Store(deps.pool, memos, {
      partSize: 8 * 2 ** 20,
      expirationPeriodInMilliseconds: UPLOAD_EXPIRY_MS,
      cache: createTusInfoStore(deps.pool, memos),
      s3ClientConfig: {
        bucket: minio.bucket,
        endpoint: `${minio.useSSL ? "https" : "http"}://${minio.endPoint}:${minio.port}`,
        region: minio.region,
        forcePathStyle: minio.pathStyle,
        requestChecksumCalculation: "WHEN_REQUIRED",
        credentials: { accessKeyId: minio.accessKey, secretAccessKey: minio.secretKey },
      },
    }),
    locker: createTusLocker(deps.pool, memos),
    maxSize: deps.limits.maxFileSizeBytes,
    relativeLocation: true,
    respectForwardedHeaders: true,
    disableTerminationForFinishedUploads: true,
    namingFunction: (req) => trusted(req, UPLOAD_HEADER),
    generateUrl: (_req, { path, id }) => `${path}/${segmentOf(id)}`,
    getFileIdFromRequest: (req) => trusted(req, UPLOAD_HEADER) || undefined,
    async onIncomingRequest(req, id) {
      await assertOwnOpenUpload(deps, req, id);
    },
    async onUploadCreate(req, upload) {
      const customerId = trusted(req, CUSTOMER_HEADER);
      if (upload.size === undefined)
        throw tusError("LENGTH_REQUIRED", "Send Upload-Length: deferred lengths are not supported");
      const meta = upload.metadata ?? {};
      let name: string;
      try {
        name = validateName(meta.filename ?? meta.name ?? "");
      } catch (error) {
        throw tusError("INVALID_NAME", (error as Error).message);
      }
      const rootId = await ensureCustomer(deps.pool, customerId, deps.limits.defaultQuotaBytes);
      const folderId = meta.folderId || rootId;
      if (!/^[0-9a-f-]{36}$/i.test(folderId) || !(await activeFolderExists(deps.pool, customerId, folderId))) {
        throw tusError("FOLDER_NOT_FOUND", "Folder not found");
      }
      const sha256 = meta.sha256 ?? null;
      if (sha256 !== null && !/^[0-9a-f]{64}$/i.test(sha256))
        throw tusError("INVALID_CHECKSUM", "metadata sha256 must be 64 hex digits");
      if (!(await reserveBytes(deps.pool, customerId, upload.size))) {
        throw tusError("QUOTA_EXCEEDED", "This upload would exceed your storage quota");
      }
      await insertUpload(deps.pool, {
        id: upload.id,
        customerId,
        folderId,
        name,
        contentType: meta.filetype || "application/octet-stream",
        size: upload.size,
        sha256: sha256?.toLowerCase() ?? null,
        correlationId: trusted(req, CORRELATION_HEADER) || randomUUID(),
      });
      return {};
    },
    async onUploadFinish(_req, upload: Upload) {
      if (!(await markProcessing(deps.pool, upload.id))) {
        // Terminated or expired meanwhile (its reservation given back): what was stored goes too.
        await discardUploadObjects(deps, upload.id);
        throw tusError("UPLOAD_NOT_FOUND", "This upload is no longer open; nothing of it was kept");
      }
      return { headers: { "coffer-upload-status": `${UPLOADS_PATH}/${segmentOf(upload.id)}/status` } };
    },
  });
  // The id tus terminated, whatever led to it: that upload's row goes, and its reservation.
  server.on(EVENTS.POST_TERMINATE, (_req: unknown, _res: unknown, id: string) => {
    abandonResumableUpload(deps, id).catch((err: unknown) =>
      deps.logger.error({ err, uploadId: id }, "abandoning a terminated upload failed"),
    );
  });
  return server;
}

/**
 * tus's own check, before it touches an upload: the id is the one the route checked, the URL
 * names it and nothing else, and this customer has it (open, unless the request only reads it).
 */
async function assertOwnOpenUpload(deps: ResumableDeps, req: TusRequest, id: string): Promise<void> {
  const customerId = trusted(req, CUSTOMER_HEADER);
  const url = new URL(req.url);
  const refuse = () => tusError("UPLOAD_NOT_FOUND", "Upload not found");
  if (!customerId || id !== trusted(req, UPLOAD_HEADER) || !id.startsWith(`${customerId}/`)) throw refuse();
  if (url.search !== "" || url.hash !== "") throw refuse();
  if (req.method === "POST") {
    if (url.pathname !== UPLOADS_PATH) throw refuse();
    return;
  }
  if (url.pathname !== `${UPLOADS_PATH}/${segmentOf(id)}`) throw refuse();
  const state = (await findUploadStatus(deps.pool, customerId, id))?.state;
  if (state === undefined || (req.method !== "HEAD" && state !== "uploading")) throw refuse();
}

/** Hands a request to tus; the route has checked the JWT, the URL and the upload's owner. */
export function handOver(
  server: Server,
  raw: IncomingMessage,
  res: ServerResponse,
  checked: { customerId: string; uploadId: string; correlationId: string },
) {
  setTrustedHeader(raw, CUSTOMER_HEADER, checked.customerId);
  setTrustedHeader(raw, UPLOAD_HEADER, checked.uploadId);
  setTrustedHeader(raw, CORRELATION_HEADER, checked.correlationId);
  return withChunkLength(raw.headers["content-length"], () => server.handle(raw, res));
}

/** Replaces whatever the client sent under this name (tus reads `rawHeaders`, so both are set). */
function setTrustedHeader(raw: IncomingMessage, name: string, value: string) {
  const kept: string[] = [];
  for (let i = 0; i < raw.rawHeaders.length; i += 2) {
    if (raw.rawHeaders[i]!.toLowerCase() !== name) kept.push(raw.rawHeaders[i]!, raw.rawHeaders[i + 1]!);
  }
  raw.rawHeaders.splice(0, raw.rawHeaders.length, ...kept, name, value);
  raw.headers[name] = value;
}

/** What tus may have stored of an upload: the object, its `.info`, a `.part` shorter than a part. */
async function discardUploadObjects(deps: ResumableDeps, id: string): Promise<void> {
  const keys = [id, `${id}.info`, `${id}.part`];
  await deps.storage.remove(keys).catch(async () => {
    // MinIO is down: the deleter removes them when it is back.
    await inTransaction(deps.pool, (tx) => queueObjectDeletions(tx, keys));
  });
}

async function sha256Of(storage: FileStorage, key: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  await pipeline(
    await storage.get(key),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done();
      },
    }),
  );
  return { sha256: hash.digest("hex"), size };
}

/** How long a completion worker vouches for an upload it hashes; it renews the claim at a third of it. */
export const COMPLETION_LEASE_MS = 60_000;

/**
 * Finishes completed tus uploads: claims one (a lease, so a worker that dies hands it on),
 * takes its SHA-256 from the hash kept as its chunks arrived, or else hashes the object,
 * outside any transaction, then, in a short one and only while it still holds
 * the claim, checks the client's checksum and records the version (same quota, versioning and
 * event as a simple upload). A checksum mismatch keeps nothing. Safe on several instances.
 */
export async function completeResumableUploads(deps: ResumableDeps, worker: string): Promise<number> {
  let done = 0;
  for (;;) {
    const upload = await claimProcessing(deps.pool, worker, COMPLETION_LEASE_MS);
    if (!upload) return done;
    const renewal = setInterval(() => {
      renewClaim(deps.pool, upload.id, worker, COMPLETION_LEASE_MS).catch((err: unknown) =>
        deps.logger.warn({ err, uploadId: upload.id }, "renewing a completion claim failed"),
      );
    }, COMPLETION_LEASE_MS / 3).unref();
    let actual: { sha256: string; size: number };
    try {
      const sha256 = await runningSha256(deps.pool, upload.id, upload.size);
      actual = sha256 ? { sha256, size: upload.size } : await sha256Of(deps.storage, upload.id);
    } finally {
      clearInterval(renewal);
    }
    const recorded = await inTransaction(deps.pool, async (tx) => {
      if (!(await lockClaim(tx, upload.id, worker))) return false;
      if ((upload.sha256 && upload.sha256 !== actual.sha256) || actual.size !== upload.size) {
        await markFailed(tx, upload.id, "CHECKSUM_MISMATCH");
        await queueObjectDeletions(tx, [upload.id]);
        await releaseBytes(tx, upload.customerId, upload.size);
        return true;
      }
      const file = await recordVersion(tx, deps, {
        customerId: upload.customerId,
        correlationId: upload.correlationId,
        folderId: (await activeFolderExists(tx, upload.customerId, upload.folderId))
          ? upload.folderId
          : await ensureCustomer(tx, upload.customerId, deps.limits.defaultQuotaBytes),
        name: upload.name,
        contentType: upload.contentType,
        objectKey: upload.id,
        size: actual.size,
        sha256: actual.sha256,
        reserved: upload.size,
      });
      await markDone(tx, upload.id, file.id);
      return true;
    });
    if (!recorded) {
      deps.logger.warn({ uploadId: upload.id }, "another worker took this upload's completion over: its claim ran out");
      continue;
    }
    done += 1;
    deps.wakeDeleter();
  }
}

/**
 * A terminated upload (tus DELETE). tus aborts its multipart upload and deletes its info, but not
 * the `.part` object holding a chunk shorter than a part: that goes here, with the upload's row,
 * and its reservation is given back.
 */
export async function abandonResumableUpload(deps: ResumableDeps, id: string): Promise<void> {
  await deps.storage.remove([`${id}.part`]);
  await inTransaction(deps.pool, async (tx) => {
    const abandoned = await deleteOpenUpload(tx, id);
    if (abandoned) await releaseBytes(tx, abandoned.customerId, abandoned.size);
  });
}

/**
 * Abandoned uploads: each one's multipart upload is aborted and its objects removed, its
 * reservation given back; then tus aborts every other multipart upload of the bucket older than
 * the expiry (a simple upload's, left by an instance that died before the reaper saw it).
 */
export async function expireResumableUploads(deps: ResumableDeps, server: Server): Promise<void> {
  const expired = await expireOpenUploads(deps.pool, UPLOAD_EXPIRY_MS);
  for (const upload of expired) await releaseBytes(deps.pool, upload.customerId, upload.size);
  for (const upload of expired) {
    await server.datastore
      .remove(upload.id)
      .then(() => deps.storage.remove([`${upload.id}.part`]))
      .catch((err: unknown) => {
        // Gone already (never written, or terminated meanwhile) is the aim; otherwise the bucket-wide
        // abort below, or the next sweep's, ends its multipart upload.
        if (err !== ERRORS.FILE_NOT_FOUND)
          deps.logger.warn({ err, uploadId: upload.id }, "aborting an expired upload failed");
      });
  }
  await server.cleanUpExpiredUploads();
  await forgetTusInfoOlderThan(deps.pool, 2 * UPLOAD_EXPIRY_MS);
}

/** Whether a finished upload became a file (and which), or why not. */
export async function uploadStatus(deps: ResumableDeps, customerId: string, uploadId: string) {
  const status = await findUploadStatus(deps.pool, customerId, uploadId);
  if (!status) throw Errors.notFound("Upload");
  const file = status.fileId ? await findFile(deps.pool, customerId, status.fileId) : undefined;
  return { state: status.state, file, errorCode: status.errorCode ?? undefined };
}
