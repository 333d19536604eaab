import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import type { TestDatabase, TokenIssuer } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { startFileService, type RunningFileService } from "./fixture.js";
import { minioOf, sendTusChunk, tusHeaders, tusOffset, tusPatchRequest } from "./support.js";

// Two instances of file-service on one database and one bucket, as behind a load balancer.
let service: RunningFileService;
let second: { app: FastifyInstance; base: string };
let db: TestDatabase, issuer: TokenIssuer;
const SWEEP_INTERVAL_MS = 3000;
const MiB = 2 ** 20;

beforeAll(async () => {
  service = await startFileService({ SWEEP_INTERVAL_MS: String(SWEEP_INTERVAL_MS), UPLOAD_LEASE_MS: "1000" });
  ({ db, issuer } = service);
  const app = await buildApp(service.config);
  second = { app, base: await app.listen({ host: "127.0.0.1", port: 0 }) };
});
afterAll(async () => {
  await second?.app.close();
  await service?.close();
});

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

const patch = (base: string, path: string, token: string, offset: number, chunk: Buffer) =>
  sendTusChunk(`${base}${path}`, token, offset, chunk);
const offsetOf = (base: string, path: string, token: string) => tusOffset(`${base}${path}`, token);

/** A PATCH whose body stops after `sent` bytes of `chunk` and waits, as a client on a stalled connection. */
function stalledPatch(base: string, path: string, token: string, offset: number, chunk: Buffer, sent: number) {
  const req = tusPatchRequest(`${base}${path}`, token, offset, chunk.length);
  const answered = new Promise<{ status?: number; offset?: number; error?: Error }>((resolve) => {
    req.once("response", (res) => {
      res.resume();
      resolve({ status: res.statusCode, offset: Number(res.headers["upload-offset"]) });
    });
    req.once("error", (error) => resolve({ error }));
  });
  req.write(chunk.subarray(0, sent));
  return { answered, cut: () => req.destroy() };
}

async function waitForStatus(base: string, path: string, token: string) {
  let body: { state: string; file?: { sha256: string; size: number }; errorCode?: string } = { state: "" };
  await expect
    .poll(
      async () => {
        const response = await fetch(`${base}${path}/status`, { headers: { authorization: `Bearer ${token}` } });
        body = (await response.json()) as typeof body;
        return body.state;
      },
      { timeout: 30_000, interval: 200 },
    )
    .toMatch(/^(done|failed)$/);
  return body;
}

describe("tus across instances", () => {
  it("when the chunks of one upload alternate instances and a duplicate PATCH races one on the other instance, then one of the two is refused and the file's SHA-256 is recorded", async () => {
    const customerId = randomUUID();
    const token = await issuer.token(customerId);
    const data = randomBytes(15 * MiB);
    const created = await fetch(`${service.base}/files/uploads`, {
      method: "POST",
      headers: {
        ...tusHeaders(token),
        "upload-length": String(data.length),
        "upload-metadata": `filename ${Buffer.from("race.bin").toString("base64")},sha256 ${Buffer.from(sha256(data)).toString("base64")}`,
      },
    });
    expect(created.status).toBe(201);
    const path = created.headers.get("location")!;
    const uploadId = path.split("/").at(-1)!.replace("~", "/");

    // Chunks alternate: the first on one instance, the second on the other.
    expect((await patch(service.base, path, token, 0, data.subarray(0, 4 * MiB))).status).toBe(204);
    expect((await patch(second.base, path, token, 4 * MiB, data.subarray(4 * MiB, 8 * MiB))).status).toBe(204);
    expect(await offsetOf(service.base, path, token)).toBe(8 * MiB);

    // The third chunk stalls on the first instance while tus holds the upload; its duplicate goes to the second.
    const third = data.subarray(8 * MiB, 12 * MiB);
    const first = stalledPatch(service.base, path, token, 8 * MiB, third, MiB);
    await expect
      .poll(async () => {
        const open = "SELECT 1 FROM upload_reservations WHERE customer_id = $1";
        return (await db.pool.query(open, [customerId])).rowCount;
      })
      .toBe(1);
    const duplicate = await patch(second.base, path, token, 8 * MiB, third);
    const firstAnswer = await first.answered;
    first.cut();
    // One of the two writes the upload at a time: the other is refused. The one asked to let go
    // keeps what arrived (204 with its offset, or its connection closed).
    const refused = [duplicate.status, firstAnswer.status].filter((status) => status === 409 || status === 423);
    expect(refused).toHaveLength(1);
    for (const status of [duplicate.status, firstAnswer.status]) expect([204, 409, 423, undefined]).toContain(status);

    // The client asks where to resume and sends the rest, again on the other instance.
    const resumeAt = await offsetOf(second.base, path, token);
    expect(resumeAt).toBeGreaterThanOrEqual(8 * MiB);
    expect(resumeAt).toBeLessThanOrEqual(9 * MiB);
    const last = await patch(service.base, path, token, resumeAt, data.subarray(resumeAt));
    expect(last.status).toBe(204);
    expect(last.headers.get("upload-offset")).toBe(String(data.length));

    const status = await waitForStatus(second.base, path, token);
    expect(status.state).toBe("done");
    expect(status.file).toMatchObject({ sha256: sha256(data), size: data.length });
    const stored = await minioOf(service.config).client.getObject(service.config.minio.bucket, uploadId);
    const hash = createHash("sha256");
    for await (const piece of stored as Readable) hash.update(piece as Buffer);
    expect(hash.digest("hex")).toBe(sha256(data));
    // Every lock was let go; the shared info of the finished upload is gone.
    expect((await db.pool.query("SELECT * FROM tus_locks WHERE upload_id = $1", [uploadId])).rowCount).toBe(0);
    expect((await db.pool.query("SELECT * FROM tus_upload_info WHERE upload_id = $1", [uploadId])).rowCount).toBe(0);
  });
});

describe("the SHA-256 of a tus upload, hashed as its chunks arrive", () => {
  async function create(token: string, data: Buffer) {
    const created = await fetch(`${second.base}/files/uploads`, {
      method: "POST",
      headers: {
        ...tusHeaders(token),
        "upload-length": String(data.length),
        "upload-metadata": `filename ${Buffer.from(`${randomUUID()}.bin`).toString("base64")},sha256 ${Buffer.from(sha256(data)).toString("base64")}`,
      },
    });
    expect(created.status).toBe(201);
    const path = created.headers.get("location")!;
    return { path, uploadId: path.split("/").at(-1)!.replace("~", "/") };
  }
  const keptHash = async (uploadId: string) =>
    (
      await db.pool.query<{ sha256_offset: string | null }>(
        "SELECT sha256_offset FROM resumable_uploads WHERE id = $1",
        [uploadId],
      )
    ).rows[0]!.sha256_offset;

  it("when the chunks alternate instances (one shorter than a part), then the hash kept in PostgreSQL follows every chunk and the recorded SHA-256 is the file's", async () => {
    const token = await issuer.token(randomUUID());
    const data = randomBytes(13 * MiB + 12345);
    const { path, uploadId } = await create(token, data);
    const cuts = [0, 3 * MiB + 7, 9 * MiB, data.length];
    for (let i = 0; i + 1 < cuts.length; i += 1) {
      const instance = i % 2 === 0 ? service.base : second.base;
      const answer = await patch(instance, path, token, cuts[i]!, data.subarray(cuts[i], cuts[i + 1]));
      expect(answer.status).toBe(204);
      if (i + 2 < cuts.length) expect(await keptHash(uploadId)).toBe(String(cuts[i + 1]));
    }
    const status = await waitForStatus(service.base, path, token);
    expect(status.state).toBe("done");
    expect(status.file).toMatchObject({ sha256: sha256(data), size: data.length });
    expect(await keptHash(uploadId)).toBe(String(data.length));
  });

  it("when a chunk does not continue the kept hash (stored without it), then the hash is dropped and the completion hashes the object instead, still the file's SHA-256", async () => {
    const token = await issuer.token(randomUUID());
    const data = randomBytes(11 * MiB);
    const { path, uploadId } = await create(token, data);
    expect((await patch(service.base, path, token, 0, data.subarray(0, 6 * MiB))).status).toBe(204);
    // As if the first chunk had been stored by a write that could not hash it.
    await db.pool.query("UPDATE resumable_uploads SET sha256_offset = 1 WHERE id = $1", [uploadId]);
    expect((await patch(second.base, path, token, 6 * MiB, data.subarray(6 * MiB))).status).toBe(204);
    expect(await keptHash(uploadId)).toBeNull();
    const status = await waitForStatus(second.base, path, token);
    expect(status.state).toBe("done");
    expect(status.file).toMatchObject({ sha256: sha256(data), size: data.length });
  });
});

/** A finished upload waiting for its completion, as the last chunk leaves it: its object stored, its length reserved. */
async function finishedUpload(customerId: string, data: Buffer, claim?: { by: string; forMs: number }) {
  const token = await issuer.token(customerId);
  expect((await fetch(`${service.base}/usage`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  const id = `${customerId}/${randomUUID()}`;
  await minioOf(service.config).client.putObject(service.config.minio.bucket, id, data);
  await db.pool.query(
    `WITH c AS (UPDATE customers SET reserved_bytes = reserved_bytes + $3 WHERE id = $2 RETURNING root_folder_id)
     INSERT INTO resumable_uploads
       (id, customer_id, folder_id, name, content_type, size, sha256, correlation_id, state, claimed_by, lease_until)
     SELECT $1, $2, root_folder_id, $4, 'application/octet-stream', $3, $5, $6, 'processing', $7,
            now() + make_interval(secs => $8)
       FROM c`,
    [
      id,
      customerId,
      data.length,
      `${randomUUID()}.bin`,
      sha256(data),
      randomUUID(),
      claim?.by ?? null,
      (claim?.forMs ?? 0) / 1000,
    ],
  );
  return id;
}

async function uploadRow(id: string) {
  const { rows } = await db.pool.query<{ state: string; claimed_by: string | null; file_id: string | null }>(
    "SELECT state, claimed_by, file_id FROM resumable_uploads WHERE id = $1",
    [id],
  );
  return rows[0]!;
}

describe("the completion of tus uploads across instances", () => {
  it("when both instances' workers find the same finished uploads, then each becomes one version, counted once", async () => {
    const customerId = randomUUID();
    const uploads = [];
    for (let i = 0; i < 4; i += 1) uploads.push(await finishedUpload(customerId, randomBytes(64 * 1024 + i)));

    for (const id of uploads)
      await expect.poll(async () => (await uploadRow(id)).state, { timeout: 15_000 }).toBe("done");
    const { rows: versions } = await db.pool.query(
      "SELECT object_key, count(*)::int AS n FROM file_versions WHERE object_key = ANY($1) GROUP BY object_key",
      [uploads],
    );
    expect(versions).toHaveLength(4);
    for (const version of versions) expect(version.n).toBe(1);
    const { rows } = await db.pool.query("SELECT used_bytes, reserved_bytes FROM customers WHERE id = $1", [
      customerId,
    ]);
    expect(Number(rows[0].used_bytes)).toBe(4 * 64 * 1024 + 6);
    expect(Number(rows[0].reserved_bytes)).toBe(0);
  });

  it("when the worker that claimed a finished upload dies mid-hash, then nobody takes it while its lease runs, and another worker completes it after", async () => {
    const data = randomBytes(256 * 1024);
    const leaseMs = 3000;
    const claimedAt = Date.now();
    const id = await finishedUpload(randomUUID(), data, { by: "file-service-killed", forMs: leaseMs });

    // Both instances' workers look every second; none takes a claim whose lease runs.
    await new Promise((resolve) => setTimeout(resolve, leaseMs - 1000 - (Date.now() - claimedAt)));
    expect(await uploadRow(id)).toMatchObject({ state: "processing", claimed_by: "file-service-killed" });

    await expect.poll(async () => (await uploadRow(id)).state, { timeout: 15_000 }).toBe("done");
    const row = await uploadRow(id);
    expect(row.claimed_by).toMatch(/^file-service-[0-9a-f-]{36}$/);
    const { rows } = await db.pool.query("SELECT sha256, size FROM file_versions WHERE object_key = $1", [id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ sha256: sha256(data) });
    expect(Number(rows[0].size)).toBe(data.length);
  });
});

describe("what must run once, across instances", () => {
  it("when two instances run the hourly sweep, then it runs once per period", async () => {
    const read = async () => {
      const { rows } = await db.pool.query<{ runs: string; started: Date }>(
        "SELECT runs, last_started_at AS started FROM job_leases WHERE name = 'hourly-sweep'",
      );
      return rows[0] && { runs: Number(rows[0].runs), started: rows[0].started.getTime() };
    };
    await expect.poll(async () => (await read())?.runs ?? 0, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    const start = (await read())!;
    await expect.poll(async () => (await read())!.runs, { timeout: 15_000 }).toBeGreaterThan(start.runs);
    const next = (await read())!;
    expect(next.runs).toBe(start.runs + 1);
    expect(next.started - start.started).toBeGreaterThanOrEqual(SWEEP_INTERVAL_MS);
  });

  it("when an instance dies during a simple upload, then the reaper releases its reservation and aborts its multipart upload", async () => {
    const customerId = randomUUID();
    const token = await issuer.token(customerId);
    expect((await fetch(`${service.base}/usage`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const { client } = minioOf(service.config);
    const bucket = service.config.minio.bucket;
    const key = `${customerId}/${randomUUID()}`;
    // What the dead instance left: a multipart upload begun, and a reservation nobody renews.
    await client.initiateNewMultipartUpload(bucket, key, {});
    await db.pool.query(
      `WITH c AS (UPDATE customers SET reserved_bytes = reserved_bytes + 1000 WHERE id = $1 RETURNING id)
       INSERT INTO upload_reservations (id, customer_id, bytes, owner, expires_at, object_key)
       SELECT $2, id, 1000, 'file-service-killed', now() - interval '1 second', $3 FROM c`,
      [customerId, randomUUID(), key],
    );
    const incomplete = async () => {
      const found: unknown[] = [];
      for await (const upload of client.listIncompleteUploads(bucket, key, true)) found.push(upload);
      return found.length;
    };
    expect(await incomplete()).toBe(1);

    await expect
      .poll(
        async () => (await db.pool.query("SELECT 1 FROM upload_reservations WHERE object_key = $1", [key])).rowCount,
        {
          timeout: 10_000,
        },
      )
      .toBe(0);
    await expect.poll(incomplete, { timeout: 10_000 }).toBe(0);
    const { rows } = await db.pool.query("SELECT reserved_bytes FROM customers WHERE id = $1", [customerId]);
    expect(Number(rows[0].reserved_bytes)).toBe(0);
  });
});
