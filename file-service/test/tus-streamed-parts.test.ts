import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { TestDatabase, TokenIssuer } from "@coffer/contracts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../src/config.js";
import { startFileService, type RunningFileService } from "./fixture.js";
import { minioOf, sendTusChunk, tusHeaders, tusOffset, tusPatchRequest } from "./support.js";

let service: RunningFileService;
let db: TestDatabase, issuer: TokenIssuer, config: Config, base: string;
const MiB = 2 ** 20;

beforeAll(async () => {
  service = await startFileService();
  ({ db, issuer, config, base } = service);
});
afterAll(async () => {
  await service?.close();
});

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

async function createUpload(token: string, size: number) {
  const created = await fetch(`${base}/files/uploads`, {
    method: "POST",
    headers: {
      ...tusHeaders(token),
      "upload-length": String(size),
      "upload-metadata": `filename ${Buffer.from("streamed.bin").toString("base64")}`,
    },
  });
  expect(created.status).toBe(201);
  const path = created.headers.get("location")!;
  return { path, id: path.split("/").at(-1)!.replace("~", "/") };
}

const patch = (path: string, token: string, offset: number, chunk: Buffer) =>
  sendTusChunk(`${base}${path}`, token, offset, chunk);
const offsetOf = (path: string, token: string) => tusOffset(`${base}${path}`, token);

const lockHeld = async (id: string) =>
  (await db.pool.query("SELECT 1 FROM tus_locks WHERE upload_id = $1", [id])).rowCount === 1;
const hashedUpTo = async (id: string) =>
  Number(
    (await db.pool.query("SELECT sha256_offset FROM resumable_uploads WHERE id = $1", [id])).rows[0].sha256_offset,
  );
const keysOf = async (id: string) => (await minioOf(config).keys(id)).sort();

/** Sends the first `sent` bytes of a chunk of `length` bytes, then, once tus holds the upload, cuts the connection. */
async function cutPatch(path: string, id: string, token: string, offset: number, chunk: Buffer, sent: number) {
  const req = tusPatchRequest(`${base}${path}`, token, offset, chunk.length);
  req.on("error", () => undefined);
  req.write(chunk.subarray(0, sent));
  await expect.poll(() => lockHeld(id), { timeout: 20_000, interval: 50 }).toBe(true);
  req.destroy();
  await expect.poll(() => lockHeld(id), { timeout: 20_000, interval: 100 }).toBe(false);
}

async function expectDone(path: string, token: string, data: Buffer) {
  let body: { state?: string; file?: { id: string; sha256: string; size: number } } = {};
  await expect
    .poll(
      async () => {
        const response = await fetch(`${base}${path}/status`, { headers: { authorization: `Bearer ${token}` } });
        body = (await response.json()) as typeof body;
        return body.state;
      },
      { timeout: 30_000, interval: 200 },
    )
    .toBe("done");
  expect(body.file).toMatchObject({ sha256: sha256(data), size: data.length });
  const download = await fetch(`${base}/files/${body.file!.id}/content`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(Buffer.from(await download.arrayBuffer()).equals(data)).toBe(true);
}

/** A PATCH sent chunked: no Content-Length, so its length is not known before its end. */
function chunkedPatch(path: string, token: string, offset: number, chunk: Buffer) {
  return fetch(`${base}${path}`, {
    method: "PATCH",
    headers: {
      ...tusHeaders(token),
      "upload-offset": String(offset),
      "content-type": "application/offset+octet-stream",
    },
    body: new Blob([chunk]).stream(),
    duplex: "half",
  } as RequestInit);
}

describe("tus chunks streamed straight into their part", () => {
  it("when a chunk is cut mid-body, then none of it is recorded, the offset and the kept hash stay where they were, and the resumed upload's bytes and SHA-256 are the file's", async () => {
    const token = await issuer.token(randomUUID());
    const data = randomBytes(14 * MiB);
    const { path, id } = await createUpload(token, data.length);
    expect((await patch(path, token, 0, data.subarray(0, 8 * MiB))).status).toBe(204);
    expect(await hashedUpTo(id)).toBe(8 * MiB);

    await cutPatch(path, id, token, 8 * MiB, data.subarray(8 * MiB), 5 * MiB);
    expect(await offsetOf(path, token)).toBe(8 * MiB);
    expect(await hashedUpTo(id)).toBe(8 * MiB);
    expect(await keysOf(id)).not.toContain(`${id}.part`);

    const last = await patch(path, token, 8 * MiB, data.subarray(8 * MiB));
    expect(last.status).toBe(204);
    expect(Number(last.headers.get("upload-offset"))).toBe(data.length);
    expect(await hashedUpTo(id)).toBe(data.length);
    await expectDone(path, token, data);
  });

  it("when the last chunk is shorter than a part, then it is the last part, with no .part object, and the file's SHA-256 is recorded", async () => {
    const token = await issuer.token(randomUUID());
    const data = randomBytes(9 * MiB);
    const { path, id } = await createUpload(token, data.length);
    expect((await patch(path, token, 0, data.subarray(0, 8 * MiB))).status).toBe(204);
    const last = await patch(path, token, 8 * MiB, data.subarray(8 * MiB));
    expect(last.status).toBe(204);
    expect(Number(last.headers.get("upload-offset"))).toBe(data.length);
    expect(await keysOf(id)).not.toContain(`${id}.part`);
    expect(await hashedUpTo(id)).toBe(data.length);
    await expectDone(path, token, data);
  });

  it("when a chunk below 5 MiB is not the last, then it waits in a .part object and the next chunk carries it on", async () => {
    const token = await issuer.token(randomUUID());
    const data = randomBytes(12 * MiB);
    const { path, id } = await createUpload(token, data.length);
    expect((await patch(path, token, 0, data.subarray(0, 3 * MiB))).status).toBe(204);
    expect(await offsetOf(path, token)).toBe(3 * MiB);
    expect(await keysOf(id)).toContain(`${id}.part`);
    expect(await hashedUpTo(id)).toBe(3 * MiB);

    const rest = await patch(path, token, 3 * MiB, data.subarray(3 * MiB));
    expect(rest.status).toBe(204);
    expect(Number(rest.headers.get("upload-offset"))).toBe(data.length);
    expect(await keysOf(id)).not.toContain(`${id}.part`);
    expect(await hashedUpTo(id)).toBe(data.length);
    await expectDone(path, token, data);
  });

  it("when the kept hash is in a format this instance does not read (kept by an older one), then it is dropped and the completion hashes the object: the SHA-256 is still the file's", async () => {
    const token = await issuer.token(randomUUID());
    const data = randomBytes(9 * MiB);
    const { path, id } = await createUpload(token, data.length);
    expect((await patch(path, token, 0, data.subarray(0, 8 * MiB))).status).toBe(204);
    expect(await hashedUpTo(id)).toBe(8 * MiB);
    // hash-wasm's saved state, as instances before the native hash kept it.
    await db.pool.query("UPDATE resumable_uploads SET sha256_state = $2 WHERE id = $1", [id, randomBytes(116)]);

    expect((await patch(path, token, 8 * MiB, data.subarray(8 * MiB))).status).toBe(204);
    const kept = await db.pool.query("SELECT sha256_offset, sha256_state FROM resumable_uploads WHERE id = $1", [id]);
    expect(kept.rows[0]).toEqual({ sha256_offset: null, sha256_state: null });
    await expectDone(path, token, data);
  });

  it("when chunks come without a Content-Length, then they take the spooled path and the file's bytes and SHA-256 are right", async () => {
    const token = await issuer.token(randomUUID());
    const data = randomBytes(9 * MiB);
    const { path, id } = await createUpload(token, data.length);
    expect((await chunkedPatch(path, token, 0, data.subarray(0, 8 * MiB))).status).toBe(204);
    expect(await offsetOf(path, token)).toBe(8 * MiB);
    expect((await chunkedPatch(path, token, 8 * MiB, data.subarray(8 * MiB))).status).toBe(204);
    expect(await hashedUpTo(id)).toBe(data.length);
    await expectDone(path, token, data);
  });
});
