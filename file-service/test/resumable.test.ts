import { createHash, randomBytes, randomUUID } from "node:crypto";
import { TOPICS } from "@coffer/contracts";
import type { FastifyInstance } from "fastify";
import * as tus from "tus-js-client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp } from "../src/app.js";
import type { Config } from "../src/config.js";
import { createEventTap, createTestDatabase, createTokenIssuer, minioOf, testConfig } from "./support.js";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let issuer: Awaited<ReturnType<typeof createTokenIssuer>>;
let tap: Awaited<ReturnType<typeof createEventTap>>;
let config: Config;
let app: FastifyInstance;
let base: string;
const MiB = 2 ** 20;

beforeAll(async () => {
  db = await createTestDatabase();
  issuer = await createTokenIssuer();
  tap = await createEventTap([TOPICS.fileUploaded]);
  config = testConfig({ DATABASE_URL: db.url, JWKS_URL: issuer.jwksUrl, DEFAULT_QUOTA_BYTES: String(64 * MiB) });
  app = await buildApp(config);
  base = await app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await app?.close();
  await tap?.close();
  await minioOf(config).removeBucket();
  await issuer?.close();
  await db?.drop();
});

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

    await app.close(); // the restart
    app = await buildApp(config);
    base = await app.listen({ host: "127.0.0.1", port: 0 });
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
