import { createHash, randomBytes, randomUUID } from "node:crypto";
import { TOPICS } from "@coffer/contracts";
import { createEventTap, type EventTap, type TestDatabase, type TokenIssuer } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../src/config.js";
import { startFileService, type RunningFileService } from "./fixture.js";
import { minioOf } from "./support.js";

const QUOTA = 1024 * 1024; // 1 MiB per customer, to reach the limits with small files
let service: RunningFileService;
let db: TestDatabase, issuer: TokenIssuer, config: Config, app: FastifyInstance, base: string;
let tap: EventTap;

beforeAll(async () => {
  tap = await createEventTap([
    TOPICS.fileUploaded,
    TOPICS.fileTrashed,
    TOPICS.fileRestored,
    TOPICS.filePurged,
    TOPICS.quotaThresholdReached,
  ]);
  service = await startFileService({
    DEFAULT_QUOTA_BYTES: String(QUOTA),
    MAX_FILE_SIZE_BYTES: String(600 * 1024),
    MAX_VERSIONS: "3",
  });
  ({ db, issuer, config, app, base } = service);
});
afterAll(async () => {
  await service?.close();
  await tap?.close();
});

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

async function newCustomer() {
  const id = randomUUID();
  const auth = { authorization: `Bearer ${await issuer.token(id)}` };
  return { id, auth };
}

async function upload(
  auth: Record<string, string>,
  name: string,
  data: Buffer,
  options: { folderId?: string; headers?: Record<string, string> } = {},
) {
  const form = new FormData();
  form.append("file", new Blob([data], { type: "application/pdf" }), name);
  const query = options.folderId ? `?folderId=${options.folderId}` : "";
  const response = await fetch(`${base}/files${query}`, {
    method: "POST",
    headers: { ...auth, ...options.headers },
    body: form,
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown> & { id: string; code?: string },
  };
}

const rowCount = async (sql: string, params: unknown[]) => (await db.pool.query(sql, params)).rowCount;

describe("uploads and downloads", () => {
  it("when a file is uploaded, then it is stored with its SHA-256, file.uploaded is published, and it downloads byte for byte", async () => {
    const { id, auth } = await newCustomer();
    const data = randomBytes(300 * 1024);
    const { status, body } = await upload(auth, "Reçu été 2026.pdf", data, {
      headers: { "x-checksum-sha256": sha256(data) },
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      name: "Reçu été 2026.pdf",
      size: data.length,
      sha256: sha256(data),
      version: 1,
      contentType: "application/pdf",
    });
    const [event] = await tap.next(TOPICS.fileUploaded, id);
    expect(event).toMatchObject({
      fileId: body.id,
      name: "Reçu été 2026.pdf",
      size: data.length,
      sha256: sha256(data),
      version: 1,
    });

    const download = await fetch(`${base}/files/${body.id}/content`, { headers: auth });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(data)).toBe(true);
    expect(download.headers.get("etag")).toBe(`"${sha256(data)}"`);
    expect(download.headers.get("x-content-type-options")).toBe("nosniff");
    expect(download.headers.get("content-disposition")).toBe(
      `attachment; filename="Re_u _t_ 2026.pdf"; filename*=UTF-8''Re%C3%A7u%20%C3%A9t%C3%A9%202026.pdf`,
    );
    const keys = await minioOf(config).keys(`${id}/`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain("Re");
  });

  it("when a range or a matching ETag is asked for, then 206 with exactly those bytes, 304, or 416 outside the file", async () => {
    const { auth } = await newCustomer();
    const data = randomBytes(100_000);
    const { body } = await upload(auth, "range.bin", data);
    const get = (headers: Record<string, string>, method = "GET") =>
      fetch(`${base}/files/${body.id}/content`, { method, headers: { ...auth, ...headers } });

    const partial = await get({ range: "bytes=1000-1999" });
    expect(partial.status).toBe(206);
    expect(partial.headers.get("content-range")).toBe(`bytes 1000-1999/${data.length}`);
    expect(Buffer.from(await partial.arrayBuffer()).equals(data.subarray(1000, 2000))).toBe(true);
    const suffix = await get({ range: "bytes=-10" });
    expect(Buffer.from(await suffix.arrayBuffer()).equals(data.subarray(-10))).toBe(true);
    const open = await get({ range: "bytes=99990-" });
    expect(Buffer.from(await open.arrayBuffer()).equals(data.subarray(99990))).toBe(true);

    const outside = await get({ range: `bytes=${data.length}-` });
    expect(outside.status).toBe(416);
    expect(outside.headers.get("content-range")).toBe(`bytes */${data.length}`);
    expect(((await outside.json()) as { code: string }).code).toBe("RANGE_NOT_SATISFIABLE");
    expect((await get({ range: "bytes=99999999999999999999-" })).status).toBe(416);

    expect((await get({ "if-none-match": `"${sha256(data)}"` })).status).toBe(304);
    const head = await get({}, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(data.length));
  });

  it("when a name already in the folder is uploaded, then it becomes a new version; the newest 3 are kept", async () => {
    const { id, auth } = await newCustomer();
    const contents = [1, 2, 3, 4].map((n) => Buffer.alloc(1000, n));
    let fileId = "";
    for (const [i, data] of contents.entries()) {
      const { body } = await upload(auth, i % 2 ? "NOTES.txt" : "notes.txt", data);
      fileId ||= body.id;
      expect(body).toMatchObject({ id: fileId, version: i + 1 });
    }
    const versions: { version: number }[] = (
      await app.inject({ url: `/files/${fileId}/versions`, headers: auth })
    ).json().versions;
    expect(versions.map((v) => v.version)).toEqual([4, 3, 2]);
    const second = await fetch(`${base}/files/${fileId}/versions/2/content`, { headers: auth });
    expect(Buffer.from(await second.arrayBuffer()).equals(contents[1]!)).toBe(true);
    expect((await app.inject({ url: `/files/${fileId}/versions/1/content`, headers: auth })).statusCode).toBe(404);
    await expect.poll(async () => (await minioOf(config).keys(`${id}/`)).length, { timeout: 10_000 }).toBe(3);
    expect((await app.inject({ url: "/usage", headers: auth })).json()).toMatchObject({
      usedBytes: 3000,
      fileCount: 1,
    });

    const restored = await app.inject({ method: "POST", url: `/files/${fileId}/versions/2/restore`, headers: auth });
    expect(restored.statusCode).toBe(201);
    expect(restored.json()).toMatchObject({ id: fileId, version: 5, sha256: sha256(contents[1]!) });
    const current = await fetch(`${base}/files/${fileId}/content`, { headers: auth });
    expect(Buffer.from(await current.arrayBuffer()).equals(contents[1]!)).toBe(true);
    const after: { version: number }[] = (await app.inject({ url: `/files/${fileId}/versions`, headers: auth })).json()
      .versions;
    expect(after.map((v) => v.version)).toEqual([5, 4, 3]);
  });

  it("when an admin reads a customer's usage, then it is theirs; others get 403, an unknown customer 404", async () => {
    const { id, auth } = await newCustomer();
    await upload(auth, "a.bin", randomBytes(100 * 1024));
    const admin = { authorization: `Bearer ${await issuer.token(randomUUID(), ["user", "admin"])}` };
    const read = (customerId: string, headers: Record<string, string>) =>
      app.inject({ url: `/admin/customers/${customerId}/quota`, headers });
    const seen = await read(id, admin);
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toEqual({ usedBytes: 100 * 1024, quotaBytes: QUOTA, fileCount: 1, trashBytes: 0 });
    expect((await read(id, auth)).statusCode).toBe(403);
    const unknown = await read(randomUUID(), admin);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: "CUSTOMER_NOT_FOUND" });
  });

  it("when an admin sets a customer's quota, then it applies at once (and crossing a threshold is announced); others get 403", async () => {
    const { id, auth } = await newCustomer();
    await upload(auth, "a.bin", randomBytes(100 * 1024));
    const admin = { authorization: `Bearer ${await issuer.token(randomUUID(), ["user", "admin"])}` };
    const set = (headers: Record<string, string>, quotaBytes: number) =>
      app.inject({ method: "PUT", url: `/admin/customers/${id}/quota`, headers, payload: { quotaBytes } });
    expect((await set(auth, 10 ** 9)).statusCode).toBe(403);
    expect((await set(admin, 110 * 1024)).statusCode).toBe(204);
    expect((await app.inject({ url: "/usage", headers: auth })).json()).toMatchObject({
      quotaBytes: 110 * 1024,
      usedBytes: 100 * 1024,
    });
    expect((await tap.next(TOPICS.quotaThresholdReached, id))[0]).toMatchObject({ threshold: 80 });
    expect((await upload(auth, "b.bin", randomBytes(20 * 1024))).status).toBe(413);
    const unknown = await app.inject({
      method: "PUT",
      url: `/admin/customers/${randomUUID()}/quota`,
      headers: admin,
      payload: { quotaBytes: 1 },
    });
    expect(unknown.statusCode).toBe(404);
  });

  it("when an upload passes the size limit or the quota, or its checksum does not match, then 413/400 and neither object nor row is left", async () => {
    const { id, auth } = await newCustomer();
    const tooLarge = await upload(auth, "big.bin", randomBytes(700 * 1024));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.code).toBe("FILE_TOO_LARGE");
    const first = await upload(auth, "half.bin", randomBytes(500 * 1024));
    expect(first.status).toBe(201);
    const overQuota = await upload(auth, "over.bin", randomBytes(550 * 1024));
    expect(overQuota.status).toBe(413);
    expect(overQuota.body.code).toBe("QUOTA_EXCEEDED");
    const data = randomBytes(1000);
    const mismatch = await upload(auth, "sum.bin", data, {
      headers: { "x-checksum-sha256": sha256(Buffer.from("other")) },
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.code).toBe("CHECKSUM_MISMATCH");

    expect(await rowCount("SELECT 1 FROM files WHERE customer_id = $1", [id])).toBe(1);
    await expect.poll(async () => (await minioOf(config).keys(`${id}/`)).length).toBe(1);
    const usage = (await app.inject({ url: "/usage", headers: auth })).json();
    expect(usage.usedBytes).toBe(500 * 1024);
    const { rows } = await db.pool.query("SELECT reserved_bytes FROM customers WHERE id = $1", [id]);
    expect(Number(rows[0].reserved_bytes)).toBe(0);
  });

  it("when two uploads race for the last of the quota, then they cannot both succeed", async () => {
    const { id, auth } = await newCustomer();
    const results = await Promise.all([
      upload(auth, "a.bin", randomBytes(550 * 1024)),
      upload(auth, "b.bin", randomBytes(550 * 1024)),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 413]);
    const usage = (await app.inject({ url: "/usage", headers: auth })).json();
    expect(usage.usedBytes).toBe(550 * 1024);
    await expect.poll(async () => (await minioOf(config).keys(`${id}/`)).length).toBe(1);
  });

  it("when usage crosses 80% and then 100%, then quota.threshold-reached is published once per crossing", async () => {
    const { id, auth } = await newCustomer();
    await upload(auth, "a.bin", randomBytes(500 * 1024));
    await upload(auth, "b.bin", randomBytes(400 * 1024)); // 88%
    await upload(auth, "c.bin", randomBytes(10 * 1024)); // still 89%: no second event
    await upload(auth, "d.bin", randomBytes(114 * 1024)); // 100%
    const events = await tap.next(TOPICS.quotaThresholdReached, id, 2);
    expect(events.map((e) => e.threshold)).toEqual([80, 100]);
    expect(events[1]).toMatchObject({ usedBytes: QUOTA, quotaBytes: QUOTA });
  });
});

describe("isolation", () => {
  it("when another customer's ids are used, then every route answers 404, never their data", async () => {
    const owner = await newCustomer();
    const intruder = await newCustomer();
    const { body } = await upload(owner.auth, "secret.txt", Buffer.from("secret"));
    const folder = (
      await app.inject({ method: "POST", url: "/folders", headers: owner.auth, payload: { name: "Private" } })
    ).json();
    const requests = [
      { url: `/files/${body.id}` },
      { url: `/files/${body.id}/content` },
      { url: `/files/${body.id}/versions` },
      { url: `/files/${body.id}/versions/1/content` },
      { method: "PATCH" as const, url: `/files/${body.id}`, payload: { name: "mine.txt" } },
      { method: "DELETE" as const, url: `/files/${body.id}` },
      { url: `/folders/${folder.id}` },
      { method: "PATCH" as const, url: `/folders/${folder.id}`, payload: { name: "x" } },
      { method: "DELETE" as const, url: `/folders/${folder.id}` },
      { method: "POST" as const, url: `/trash/${body.id}/restore` },
      { method: "DELETE" as const, url: `/trash/${body.id}` },
    ];
    for (const request of requests) {
      const response = await app.inject({ ...request, headers: intruder.auth });
      expect(response.statusCode, `${request.method ?? "GET"} ${request.url}`).toBe(404);
    }
    const listing = (await app.inject({ url: "/files?q=secret", headers: intruder.auth })).json();
    expect(listing.files).toEqual([]);
    const upload404 = await upload(intruder.auth, "x.txt", Buffer.from("x"), { folderId: folder.id });
    expect(upload404.status).toBe(404);
    expect((await app.inject({ url: `/files/${body.id}` })).statusCode).toBe(401);
  });
});
