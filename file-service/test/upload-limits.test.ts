import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp } from "../src/app.js";
import { createTestDatabase, createTokenIssuer } from "@coffer/contracts/testing";
import { minioOf, testConfig } from "./support.js";

const KiB = 1024;
const LIMITS = {
  MAX_UPLOADS_PER_CUSTOMER: "2",
  MAX_UPLOADS_PER_INSTANCE: "3",
  UPLOAD_LEASE_MS: "1500",
  DEFAULT_QUOTA_BYTES: String(100 * 2 ** 20),
};
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let issuer: Awaited<ReturnType<typeof createTokenIssuer>>;
const bucket = `test-${randomUUID()}`;
/** Two instances of file-service on one database and bucket, as behind a load balancer. */
let instances: { app: FastifyInstance; base: string }[] = [];
/** A third whose uploads time out after half a second without a byte. */
let impatient: { app: FastifyInstance; base: string };

const storage = () => minioOf(testConfig({ DATABASE_URL: db.url, JWKS_URL: issuer.jwksUrl, MINIO_BUCKET: bucket }));

async function start(env: Record<string, string> = {}) {
  const app = await buildApp(
    testConfig({ DATABASE_URL: db.url, JWKS_URL: issuer.jwksUrl, MINIO_BUCKET: bucket, ...LIMITS, ...env }),
  );
  return { app, base: await app.listen({ host: "127.0.0.1", port: 0 }) };
}

beforeAll(async () => {
  db = await createTestDatabase();
  issuer = await createTokenIssuer();
  instances = [await start(), await start()];
  impatient = await start({ UPLOAD_IDLE_TIMEOUT_MS: "500" });
});
afterAll(async () => {
  for (const { app } of [...instances, impatient]) await app?.close();
  await storage().removeBucket();
  await issuer?.close();
  await db?.drop();
});

type Answer = { status: number; body: { code?: string; id?: string }; connection?: string; ms: number };

/**
 * A multipart upload of `size` bytes that sends its head and first kilobyte, then holds the rest
 * until `finish()`: a slow client. `answer` settles when file-service answers (or the connection ends).
 */
function slowUpload(base: string, token: string, size = 64 * KiB) {
  const boundary = `----slow${randomUUID()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow-${randomUUID()}.bin"\r\n` +
      "Content-Type: application/octet-stream\r\n\r\n",
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const content = randomBytes(size);
  const started = Date.now();
  let req!: ReturnType<typeof httpRequest>;
  const answer = new Promise<Answer>((resolve, reject) => {
    req = httpRequest(
      `${base}/files`,
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": `multipart/form-data; boundary=${boundary}`,
          "content-length": String(head.length + size + tail.length),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode!,
            body: JSON.parse(Buffer.concat(chunks).toString() || "{}") as Answer["body"],
            connection: res.headers.connection,
            ms: Date.now() - started,
          }),
        );
      },
    );
    req.on("error", reject);
  });
  req.write(Buffer.concat([head, content.subarray(0, KiB)]));
  return {
    answer,
    finish: () => req.end(Buffer.concat([content.subarray(KiB), tail])),
    abort: () => req.destroy(),
  };
}

const upload = (base: string, token: string) => {
  const slow = slowUpload(base, token, 4 * KiB);
  slow.finish();
  return slow.answer;
};

async function newCustomer() {
  const id = randomUUID();
  return { id, token: await issuer.token(id) };
}

const openReservations = async (customerId: string) =>
  Number(
    (await db.pool.query("SELECT count(*) FROM upload_reservations WHERE customer_id = $1", [customerId])).rows[0]
      .count,
  );
const reservedBytes = async (customerId: string) =>
  Number(
    (await db.pool.query("SELECT reserved_bytes FROM customers WHERE id = $1", [customerId])).rows[0].reserved_bytes,
  );

describe("uploads in flight: caps, idle bodies, reservations a crash cannot leak", () => {
  it("when a customer streams as many uploads as allowed, spread over two instances, then one more on either is refused 429 until one finishes", async () => {
    const { id, token } = await newCustomer();
    const [a, b] = instances as [(typeof instances)[0], (typeof instances)[0]];
    const first = slowUpload(a.base, token);
    const second = slowUpload(b.base, token);
    await expect.poll(() => openReservations(id), { timeout: 10_000 }).toBe(2);

    for (const { base } of [a, b]) {
      const refused = await upload(base, token);
      expect(refused.status, base).toBe(429);
      expect(refused.body.code).toBe("TOO_MANY_UPLOADS");
    }
    first.finish();
    expect((await first.answer).status).toBe(201);
    expect((await upload(b.base, token)).status).toBe(201);
    second.finish();
    expect((await second.answer).status).toBe(201);
    expect(await openReservations(id)).toBe(0);
    expect(await reservedBytes(id)).toBe(0);
  });

  it("when an instance carries as many uploads as it allows, then another customer's is refused 503 there and accepted by the other instance", async () => {
    const [a, b] = instances as [(typeof instances)[0], (typeof instances)[0]];
    const customers = await Promise.all([newCustomer(), newCustomer(), newCustomer()]);
    const held = customers.map(({ token }) => slowUpload(a.base, token));
    await vi.waitFor(
      async () => {
        const counts = await Promise.all(customers.map(({ id }) => openReservations(id)));
        if (counts.some((n) => n !== 1)) throw new Error(`open: ${counts.join(", ")}`);
      },
      { timeout: 10_000 },
    );
    const latecomer = await newCustomer();
    const busy = await upload(a.base, latecomer.token);
    expect(busy.status).toBe(503);
    expect(busy.body.code).toBe("UPLOADS_BUSY");
    expect((await upload(b.base, latecomer.token)).status).toBe(201);
    for (const slow of held) slow.finish();
    expect((await Promise.all(held.map((slow) => slow.answer))).map((r) => r.status)).toEqual([201, 201, 201]);
    expect((await upload(a.base, latecomer.token)).status).toBe(201);
  });

  it("when an upload's body stops arriving, then 408 UPLOAD_TIMEOUT, its reservation is given back and nothing is stored", async () => {
    const { id, token } = await newCustomer();
    const stalled = slowUpload(impatient.base, token, 512 * KiB);
    await expect.poll(() => reservedBytes(id).catch(() => 0), { timeout: 10_000 }).toBeGreaterThan(0);

    const answer = await stalled.answer;
    expect(answer.status).toBe(408);
    expect(answer.body.code).toBe("UPLOAD_TIMEOUT");
    expect(answer.connection).toBe("close");
    expect(answer.ms).toBeLessThan(10_000);
    expect(await openReservations(id)).toBe(0);
    expect(await reservedBytes(id)).toBe(0);
    expect((await db.pool.query("SELECT 1 FROM files WHERE customer_id = $1", [id])).rowCount).toBe(0);
    await expect.poll(() => storage().keys(`${id}/`), { timeout: 10_000 }).toEqual([]);
  });

  it("when a tus chunk's body stops arriving, then its connection is closed, its slot given back, and the upload resumes from what arrived", async () => {
    const { id, token } = await newCustomer();
    const tus = { authorization: `Bearer ${token}`, "tus-resumable": "1.0.0" };
    const data = randomBytes(64 * KiB);
    const created = await fetch(`${impatient.base}/files/uploads`, {
      method: "POST",
      headers: { ...tus, "upload-length": String(data.length), "upload-metadata": `filename ${btoa("tus.bin")}` },
    });
    expect(created.status).toBe(201);
    const url = `${impatient.base}${created.headers.get("location")!}`;
    const cutOff = await new Promise<string>((resolve) => {
      const req = httpRequest(url, {
        method: "PATCH",
        headers: {
          ...tus,
          "upload-offset": "0",
          "content-type": "application/offset+octet-stream",
          "content-length": String(data.length),
        },
      });
      req.on("response", (res) => resolve(`answered ${res.statusCode}`));
      req.on("error", (error) => resolve(`closed: ${error.message}`));
      req.write(data.subarray(0, KiB));
    });
    expect(cutOff).toMatch(/^closed/);
    await expect.poll(() => openReservations(id), { timeout: 10_000 }).toBe(0);

    const head = await fetch(url, { method: "HEAD", headers: tus });
    const offset = Number(head.headers.get("upload-offset"));
    expect(offset).toBeLessThanOrEqual(KiB);
    const rest = await fetch(url, {
      method: "PATCH",
      headers: { ...tus, "upload-offset": String(offset), "content-type": "application/offset+octet-stream" },
      body: data.subarray(offset),
    });
    expect(rest.status).toBe(204);
    expect(rest.headers.get("upload-offset")).toBe(String(data.length));
  });

  it("when an upload runs out of quota mid-stream or its client vanishes mid-body, then it is refused or dropped, its reservation given back, and file-service keeps serving", async () => {
    const { id, token } = await newCustomer();
    const [a] = instances as [(typeof instances)[0]];
    expect((await upload(a.base, token)).status).toBe(201);
    await db.pool.query("UPDATE customers SET quota_bytes = used_bytes + $2 WHERE id = $1", [id, 100 * KiB]);
    // No Content-Length: nothing is reserved up front, the quota stops it while it streams.
    const boundary = `----chunked${randomUUID()}`;
    const overQuota = await new Promise<{ status: number; code: string }>((resolve, reject) => {
      const req = httpRequest(
        `${a.base}/files`,
        {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": `multipart/form-data; boundary=${boundary}` },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode!,
              code: (JSON.parse(Buffer.concat(chunks).toString()) as { code: string }).code,
            }),
          );
        },
      );
      req.on("error", reject);
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n`);
      for (let i = 0; i < 10; i++) req.write(randomBytes(32 * KiB));
      req.end(`\r\n--${boundary}--\r\n`);
    });
    expect(overQuota).toEqual({ status: 413, code: "QUOTA_EXCEEDED" });

    const vanishing = slowUpload(a.base, token, 64 * KiB);
    vanishing.answer.catch(() => undefined);
    await expect.poll(() => openReservations(id), { timeout: 10_000 }).toBe(1);
    vanishing.abort();
    await expect.poll(() => openReservations(id), { timeout: 10_000 }).toBe(0);
    expect(await reservedBytes(id)).toBe(0);
    expect((await fetch(`${a.base}/health/live`)).status).toBe(200);
    expect((await db.pool.query("SELECT 1 FROM files WHERE customer_id = $1", [id])).rowCount).toBe(1);
    await expect.poll(async () => (await storage().keys(`${id}/`)).length, { timeout: 10_000 }).toBe(1);
  });

  it("when an instance is killed while it streams uploads, then their leases run out and a live instance gives their bytes back", async () => {
    const { id, token } = await newCustomer();
    const doomed = await spawnInstance();
    try {
      const orphaned = slowUpload(doomed.base, token, 256 * KiB);
      orphaned.answer.catch(() => undefined); // the connection dies with the process
      await expect.poll(() => reservedBytes(id).catch(() => 0), { timeout: 10_000 }).toBeGreaterThan(0);
      const { rows } = await db.pool.query("SELECT owner, bytes FROM upload_reservations WHERE customer_id = $1", [id]);
      expect(rows).toHaveLength(1);
      doomed.process.kill("SIGKILL");
    } finally {
      doomed.process.kill("SIGKILL");
    }
    await expect.poll(() => openReservations(id), { timeout: 15_000 }).toBe(0);
    expect(await reservedBytes(id)).toBe(0);
    expect((await upload(instances[0]!.base, token)).status).toBe(201);
  });
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** file-service as its own process (the one `main.ts` runs), on this test's database and bucket. */
async function spawnInstance(): Promise<{ process: ChildProcess; base: string }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL("../src/main.ts", import.meta.url))],
    {
      env: {
        ...process.env,
        ...LIMITS,
        PORT: String(port),
        LOG_LEVEL: "silent",
        DATABASE_URL: db.url,
        JWKS_URL: issuer.jwksUrl,
        MINIO_BUCKET: bucket,
        CONSUMER_GROUP: `file-test-${randomUUID()}`,
        CONSUMER_FROM_BEGINNING: "false",
      },
      stdio: "ignore",
    },
  );
  const base = `http://127.0.0.1:${port}`;
  await vi.waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`file-service exited with ${child.exitCode}`);
      // Live comes first; until its start is done the instance answers 503 STARTING.
      if ((await fetch(`${base}/health/ready`)).status !== 200) throw new Error("not ready yet");
    },
    { timeout: 60_000, interval: 250 },
  );
  return { process: child, base };
}
