import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { TOPICS } from "@coffer/contracts";
import { createEventTap, type EventTap, type TestDatabase, type TokenIssuer } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import * as tus from "tus-js-client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Config } from "../src/config.js";
import { startFileService, type RunningFileService } from "./fixture.js";
import { createFileStorage } from "../src/storage/file-storage.js";
import { createResumableUploads, handOver } from "../src/uploads/resumable-uploads.js";
import { createUploadSlots } from "../src/uploads/upload-slots.js";
import { reconcileStorage } from "../src/jobs/storage-reconciler.js";
import { minioOf, tusHeaders } from "./support.js";

let service: RunningFileService;
let db: TestDatabase, issuer: TokenIssuer, config: Config, app: FastifyInstance, base: string;
let tap: EventTap;
const MiB = 2 ** 20;
const QUOTA = 64 * MiB;
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

beforeAll(async () => {
  tap = await createEventTap([TOPICS.fileUploaded]);
  service = await startFileService({ DEFAULT_QUOTA_BYTES: String(QUOTA) });
  ({ db, issuer, config, app, base } = service);
});
afterAll(async () => {
  await service?.close();
  await tap?.close();
});

/** What app.ts gives tus's S3 store. */
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

function startUpload(
  data: Buffer,
  options: {
    endpoint: string;
    token: string;
    uploadUrl?: string;
    metadata?: Record<string, string>;
    stopAfterChunks?: number;
  },
): Promise<{ url: string; completed: boolean; error?: Error }> {
  return new Promise((resolve) => {
    let chunks = 0;
    const upload: tus.Upload = new tus.Upload(data, {
      endpoint: `${options.endpoint}/files/uploads`,
      ...(options.uploadUrl && { uploadUrl: options.uploadUrl }),
      headers: { authorization: `Bearer ${options.token}` },
      chunkSize: 5 * MiB,
      retryDelays: [],
      metadata: { filename: "movie.mp4", filetype: "video/mp4", sha256: sha256(data), ...options.metadata },
      onChunkComplete: () => {
        chunks += 1;
        if (options.stopAfterChunks && chunks === options.stopAfterChunks) {
          void upload.abort().then(() => resolve({ url: upload.url!, completed: false }));
        }
      },
      onSuccess: () => resolve({ url: upload.url!, completed: true }),
      onError: (error) => resolve({ url: upload.url ?? "", completed: false, error }),
    });
    upload.start();
  });
}

async function statusOf(url: string, token: string) {
  return vi.waitFor(
    async () => {
      const response = await fetch(`${url}/status`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await response.json()) as {
        state: string;
        file?: { id: string; sha256: string; size: number };
        errorCode?: string;
      };
      if (body.state === "uploading" || body.state === "processing") throw new Error(body.state);
      return body;
    },
    { timeout: 30_000, interval: 200 },
  );
}

describe("resumable uploads (tus)", () => {
  it("when an upload is interrupted halfway and file-service restarts, then it resumes where it stopped and the result's SHA-256 matches", async () => {
    const customerId = randomUUID();
    const token = await issuer.token(customerId);
    const data = randomBytes(18 * MiB);
    const first = await startUpload(data, { endpoint: base, token, stopAfterChunks: 2 });
    expect(first.completed).toBe(false);
    const head = await fetch(first.url, {
      method: "HEAD",
      headers: { authorization: `Bearer ${token}`, "tus-resumable": "1.0.0" },
    });
    expect(Number(head.headers.get("upload-offset"))).toBe(10 * MiB);

    ({ app, base } = await service.restart());
    const path = new URL(first.url).pathname;
    const resumed = await startUpload(data, { endpoint: base, token, uploadUrl: `${base}${path}` });
    expect(resumed.error).toBeUndefined();
    expect(resumed.completed).toBe(true);

    const status = await statusOf(`${base}${path}`, token);
    expect(status.state).toBe("done");
    expect(status.file).toMatchObject({ sha256: sha256(data), size: data.length });
    const download = await fetch(`${base}/files/${status.file!.id}/content`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(sha256(data));
    const [event] = await tap.next(TOPICS.fileUploaded, customerId);
    expect(event).toMatchObject({
      fileId: status.file!.id,
      name: "movie.mp4",
      size: data.length,
      sha256: sha256(data),
    });
  });

  it("when a completed upload does not match its checksum, then nothing is kept; one past the quota is refused at creation", async () => {
    const customerId = randomUUID();
    const token = await issuer.token(customerId);
    const data = randomBytes(1 * MiB);
    const wrong = await startUpload(data, { endpoint: base, token, metadata: { sha256: sha256(Buffer.from("x")) } });
    expect(wrong.completed).toBe(true);
    const status = await statusOf(wrong.url, token);
    expect(status).toMatchObject({ state: "failed", errorCode: "CHECKSUM_MISMATCH" });
    expect((await db.pool.query("SELECT 1 FROM files WHERE customer_id = $1", [customerId])).rowCount).toBe(0);
    await expect
      .poll(async () => (await minioOf(config).keys(`${customerId}/`)).filter((k) => !k.endsWith(".info")), {
        timeout: 10_000,
      })
      .toEqual([]);

    const tooBig = await startUpload(randomBytes(65 * MiB), { endpoint: base, token });
    expect(tooBig.completed).toBe(false);
    expect(String(tooBig.error)).toMatch(/413|QUOTA_EXCEEDED|FILE_TOO_LARGE/);
    const other = await issuer.token(randomUUID());
    const foreign = await fetch(wrong.url, {
      method: "HEAD",
      headers: { authorization: `Bearer ${other}`, "tus-resumable": "1.0.0" },
    });
    expect(foreign.status).toBe(404);
  });
});

/** A tus request exactly as written: fetch would drop a fragment and resolve dot segments. */
function rawRequest(
  path: string,
  method: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path,
        method,
        headers: { ...headers, ...(body && { "content-length": String(body.length) }) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Creates an upload of `size` bytes and answers its path, `/files/uploads/<segment>`. */
async function createUpload(token: string, size: number, name = "part.bin"): Promise<string> {
  const created = await fetch(`${base}/files/uploads`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "tus-resumable": "1.0.0",
      "upload-length": String(size),
      "upload-metadata": `filename ${Buffer.from(name).toString("base64")}`,
    },
  });
  expect(created.status).toBe(201);
  return created.headers.get("location")!;
}

describe("resumable uploads: the upload checked is the upload acted on", () => {
  it("when A's token names A's upload and the URL carries B's id (query, fragment, encoded or dot segments), then B's upload is untouched", async () => {
    const alice = randomUUID();
    const bob = randomUUID();
    const aliceToken = await issuer.token(alice);
    const bobToken = await issuer.token(bob);
    const mine = await createUpload(aliceToken, 1000);
    const theirs = await createUpload(bobToken, 2000, "bob-secret.bin");
    const theirSegment = theirs.split("/").at(-1)!;
    const theirId = theirSegment.replace("~", "/");
    const disguises = [
      `${mine}?x=/${theirSegment}`,
      `${mine}?/${theirSegment}`,
      `${mine}#/${theirSegment}`,
      `${mine}/../${theirSegment}`,
      `${mine}%2F..%2F${theirSegment}`,
      `${mine}%2F${theirSegment}`,
      `${mine};/${theirSegment}`,
      `${mine}//${theirSegment}`,
    ];
    for (const path of disguises) {
      const head = await rawRequest(path, "HEAD", tusHeaders(aliceToken));
      expect(head.status, `HEAD ${path}`).toBeGreaterThanOrEqual(400);
      expect(head.headers["upload-length"], `HEAD ${path}`).toBeUndefined();
      expect(head.headers["upload-metadata"], `HEAD ${path}`).toBeUndefined();
      const patch = await rawRequest(
        path,
        "PATCH",
        { ...tusHeaders(aliceToken), "upload-offset": "0", "content-type": "application/offset+octet-stream" },
        Buffer.alloc(100, 1),
      );
      expect(patch.status, `PATCH ${path}`).toBeGreaterThanOrEqual(400);
      const del = await rawRequest(path, "DELETE", tusHeaders(aliceToken));
      expect(del.status, `DELETE ${path}`).toBeGreaterThanOrEqual(400);
    }
    for (const path of [`${mine}?x=/${theirSegment}`, `${mine}#/${theirSegment}`]) {
      const refused = await rawRequest(path, "DELETE", tusHeaders(aliceToken));
      expect(refused.status).toBe(400);
      expect(JSON.parse(refused.text)).toMatchObject({ code: "INVALID_UPLOAD_URL" });
    }

    const bobs = await fetch(`${base}${theirs}`, { method: "HEAD", headers: tusHeaders(bobToken) });
    expect(bobs.status).toBe(200);
    expect(bobs.headers.get("upload-offset")).toBe("0");
    const { rows } = await db.pool.query("SELECT state FROM resumable_uploads WHERE id = $1", [theirId]);
    expect(rows).toEqual([{ state: "uploading" }]);
    const reserved = await db.pool.query("SELECT reserved_bytes FROM customers WHERE id = $1", [bob]);
    expect(Number(reserved.rows[0].reserved_bytes)).toBe(2000);
    const alices = await fetch(`${base}${mine}`, { method: "HEAD", headers: tusHeaders(aliceToken) });
    expect(alices.status).toBe(200);
  });
});

describe("resumable uploads: tus's own owner check", () => {
  it("when a request reaches tus naming an upload that is not the customer's own open one, then tus refuses it", async () => {
    const alice = randomUUID();
    const bob = randomUUID();
    const mine = await createUpload(await issuer.token(alice), 1000);
    const theirs = await createUpload(await issuer.token(bob), 2000);
    const idOf = (path: string) => path.split("/").at(-1)!.replace("~", "/");
    const { pool } = db;
    const storage = createFileStorage(minioOf(config).client, config.minio.bucket);
    const tusServer = createResumableUploads({
      pool,
      storage,
      limits: config.limits,
      wakeDeleter: () => undefined,
      slots: createUploadSlots({ pool, storage, defaultQuotaBytes: QUOTA, limits: config.uploads, logger: silent }),
      logger: silent,
      minio: config.minio,
    });
    // Behind no route: whatever the request says, the customer and the upload are these.
    let checked = { customerId: alice, uploadId: idOf(theirs) };
    const behindNoRoute = createServer((req, res) => {
      void handOver(tusServer, req, res, { ...checked, correlationId: randomUUID() });
    });
    await new Promise<void>((resolve) => behindNoRoute.listen(0, "127.0.0.1", resolve));
    const { port } = behindNoRoute.address() as { port: number };
    const direct = (path: string, method: string) =>
      fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { "tus-resumable": "1.0.0" } });
    try {
      // Another customer's upload, by its own URL: not this customer's.
      for (const method of ["HEAD", "DELETE"]) expect((await direct(theirs, method)).status, method).toBe(404);
      // The customer's own upload, but the URL names another one: not the upload checked.
      checked = { customerId: alice, uploadId: idOf(mine) };
      expect((await direct(theirs, "DELETE")).status).toBe(404);
      expect((await direct(`${mine}?x=/${theirs.split("/").at(-1)}`, "DELETE")).status).toBe(404);
      // An upload no longer open cannot be written or terminated.
      await pool.query("UPDATE resumable_uploads SET state = 'failed' WHERE id = $1", [idOf(mine)]);
      expect((await direct(mine, "DELETE")).status).toBe(404);
      await pool.query("UPDATE resumable_uploads SET state = 'uploading' WHERE id = $1", [idOf(mine)]);
      expect((await direct(mine, "HEAD")).status).toBe(200);
    } finally {
      await new Promise<void>((resolve) => behindNoRoute.close(() => resolve()));
    }
    const bobs = await fetch(`${base}${theirs}`, { method: "HEAD", headers: tusHeaders(await issuer.token(bob)) });
    expect(bobs.status).toBe(200);
  });
});

const keysOf = async (prefix: string) => (await minioOf(config).keys(prefix)).sort();
const reservedOf = async (customerId: string) =>
  Number(
    (await db.pool.query("SELECT reserved_bytes FROM customers WHERE id = $1", [customerId])).rows[0].reserved_bytes,
  );
const chunk = (token: string, offset = 0) => ({
  ...tusHeaders(token),
  "upload-offset": String(offset),
  "content-type": "application/offset+octet-stream",
});

describe("resumable uploads: no stored byte escapes the quota", () => {
  it("when a customer terminates one upload by a URL naming another and then finishes the first, then every stored object is a row's and counted", async () => {
    const owner = randomUUID();
    const token = await issuer.token(owner);
    const first = await createUpload(token, 1000, "first.bin");
    const second = await createUpload(token, 2000, "second.bin");
    const idOf = (path: string) => path.split("/").at(-1)!.replace("~", "/");

    const confused = await rawRequest(`${first}?x=/${second.split("/").at(-1)}`, "DELETE", tusHeaders(token));
    const finished = await rawRequest(first, "PATCH", chunk(token), randomBytes(1000));
    expect(finished.status).toBe(204);
    await statusOf(`${base}${first}`, token);
    const terminated = await rawRequest(second, "DELETE", tusHeaders(token));

    expect(confused.status).toBe(400);
    expect(terminated.status).toBe(204);
    await expect.poll(() => reservedOf(owner), { timeout: 10_000 }).toBe(0);
    const { rows } = await db.pool.query(
      `SELECT object_key AS key FROM file_versions v JOIN files f ON f.id = v.file_id WHERE f.customer_id = $1`,
      [owner],
    );
    expect(rows.map((r) => r.key)).toEqual([idOf(first)]);
    expect((await app.inject({ url: "/usage", headers: { authorization: `Bearer ${token}` } })).json()).toMatchObject({
      usedBytes: 1000,
    });
    // What is left besides tus's bookkeeping (.info) is the one file's object.
    await expect
      .poll(async () => (await keysOf(`${owner}/`)).filter((k) => !k.endsWith(".info")), { timeout: 10_000 })
      .toEqual([idOf(first)]);
    expect(await keysOf(idOf(second))).toEqual([]);
  });

  it("when an upload's last chunk arrives after it was closed elsewhere (terminated, expired), then the completion is refused and what tus stored is removed", async () => {
    const owner = randomUUID();
    const token = await issuer.token(owner);
    const size = 9 * MiB;
    const path = await createUpload(token, size, "late.bin");
    const id = path.split("/").at(-1)!.replace("~", "/");
    const data = randomBytes(size);
    const url = new URL(base);
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path,
          method: "PATCH",
          headers: { ...chunk(token), "content-length": String(size) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString() }));
        },
      );
      req.on("error", reject);
      req.write(data.subarray(0, 8.5 * MiB));
      // tus took the chunk (checked it open) once it holds the upload's lock: then the upload is closed elsewhere.
      void expect
        .poll(async () => (await db.pool.query("SELECT 1 FROM tus_locks WHERE upload_id = $1", [id])).rowCount, {
          timeout: 20_000,
          interval: 100,
        })
        .toBe(1)
        .then(async () => {
          await db.pool.query("UPDATE resumable_uploads SET state = 'failed', error_code = 'EXPIRED' WHERE id = $1", [
            id,
          ]);
          req.end(data.subarray(8.5 * MiB));
        }, reject);
    });

    const refused = await answer;
    expect(refused.status).toBe(404);
    expect(JSON.parse(refused.text)).toMatchObject({ code: "UPLOAD_NOT_FOUND" });
    await expect.poll(() => keysOf(id), { timeout: 10_000 }).toEqual([]);
    expect((await db.pool.query("SELECT 1 FROM files WHERE customer_id = $1", [owner])).rowCount).toBe(0);
  });

  it("when MinIO holds objects no row references, then the reconciliation removes those older than the tus expiry, keeps every referenced one, and logs the count", async () => {
    const owner = randomUUID();
    const token = await issuer.token(owner);
    const data = randomBytes(1000);
    const stored = await startUpload(data, { endpoint: base, token });
    const file = (await statusOf(stored.url, token)).file!;
    const open = await createUpload(token, 5000, "open.bin");
    const openId = open.split("/").at(-1)!.replace("~", "/");
    const orphan = `${owner}/${randomUUID()}`;
    await minioOf(config).client.putObject(config.minio.bucket, orphan, Buffer.alloc(4321, 7));
    const kept = [
      ...(await db.pool.query("SELECT object_key FROM file_versions WHERE file_id = $1", [file.id])).rows.map(
        (r: { object_key: string }) => r.object_key,
      ),
      `${openId}.info`,
    ];
    const storage = createFileStorage(minioOf(config).client, config.minio.bucket);
    const logged: { obj: object; msg: string }[] = [];
    const logger = { ...silent, info: (obj: object, msg: string) => logged.push({ obj, msg }) };
    const deps = { pool: db.pool, storage, logger: { ...logger, warn: logger.info } };

    const young = await reconcileStorage(deps, 24 * 3600_000);
    expect(young.removed).toBe(0);
    expect(await keysOf(orphan)).toEqual([orphan]);

    const swept = await reconcileStorage(deps, 0);
    expect(swept.removed).toBeGreaterThanOrEqual(1);
    expect(swept.bytes).toBeGreaterThanOrEqual(4321);
    expect(await keysOf(orphan)).toEqual([]);
    for (const key of kept) expect(await keysOf(key), key).toEqual([key]);
    expect(logged.at(-1)).toMatchObject({ obj: { removed: swept.removed, bytes: swept.bytes } });
    const download = await fetch(`${base}/files/${file.id}/content`, { headers: { authorization: `Bearer ${token}` } });
    expect(Buffer.from(await download.arrayBuffer()).equals(data)).toBe(true);
    expect((await fetch(`${base}${open}`, { method: "HEAD", headers: tusHeaders(token) })).status).toBe(200);
  });
});
