import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { connect, type Socket } from "node:net";
import { createTestDatabase } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp } from "../src/app.js";
import type { Config } from "../src/config.js";
import { testConfig } from "./support.js";

const PER_CUSTOMER = 2;
const PER_INSTANCE = 4;

/** Issues access tokens as customer-service does; its JWKS answers can be held, to keep requests in authentication. */
async function createGatedIssuer() {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "RS256", use: "sig" };
  let held: ServerResponse[] | undefined;
  let fetches = 0;
  const answer = (res: ServerResponse) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ keys: [jwk] }));
  };
  const server: Server = createServer((_: IncomingMessage, res) => {
    fetches += 1;
    if (held) held.push(res);
    else answer(res);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    jwksUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}/.well-known/jwks.json`,
    fetches: () => fetches,
    hold: () => void (held = []),
    release() {
      for (const res of held ?? []) answer(res);
      held = undefined;
    },
    token: (customerId: string, expiresAt: number | string = "10m") =>
      new SignJWT({ roles: ["user"], sid: randomUUID() })
        .setProtectedHeader({ alg: "RS256", kid: "test-key" })
        .setIssuer("coffer")
        .setAudience("coffer-api")
        .setSubject(customerId)
        .setIssuedAt()
        .setExpirationTime(expiresAt)
        .sign(privateKey),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let issuer: Awaited<ReturnType<typeof createGatedIssuer>>;
let config: Config;
let app: FastifyInstance;
let other: FastifyInstance;
let baseUrl: string;
let otherUrl: string;

beforeAll(async () => {
  db = await createTestDatabase();
  issuer = await createGatedIssuer();
  config = testConfig({
    DATABASE_URL: db.url,
    JWKS_URL: issuer.jwksUrl,
    SSE_HEARTBEAT_SECONDS: "1",
    STREAMS_PER_CUSTOMER: String(PER_CUSTOMER),
    STREAMS_PER_INSTANCE: String(PER_INSTANCE),
    STREAM_LEASE_SECONDS: "3",
  });
  app = await buildApp(config);
  other = await buildApp(config); // a second instance of the service, same database
  baseUrl = await app.listen({ host: "127.0.0.1", port: 0 });
  otherUrl = await other.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await other?.close();
  await app?.close();
  await issuer?.close();
  await db?.drop();
});

type Frame = { event?: string; data?: string; comment?: string };

/** A Server-Sent Events client over fetch: its frames, and whether the server ended the stream. */
async function openStream(url: string, token: string) {
  const controller = new AbortController();
  const response = await fetch(`${url}/notifications/stream`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  const frames: Frame[] = [];
  const state = { ended: false };
  if (response.ok) {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = "";
      try {
        for (let next = await reader.read(); !next.done; next = await reader.read()) {
          buffer += next.value;
          for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
            const frame: Frame = {};
            for (const line of buffer.slice(0, end).split("\n")) {
              if (line.startsWith(":")) frame.comment = line.slice(1).trim();
              else if (line.startsWith("event: ")) frame.event = line.slice(7);
              else if (line.startsWith("data: ")) frame.data = line.slice(6);
            }
            frames.push(frame);
            buffer = buffer.slice(end + 2);
          }
        }
        state.ended = true;
      } catch {
        // aborted by the test
      }
    })();
  }
  return {
    response,
    frames,
    ended: () => state.ended,
    json: async () => (await response.json()) as { code: string },
    close: () => controller.abort(),
  };
}

const leasesOf = async (customerId: string) =>
  (
    await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM stream_leases WHERE customer_id = $1", [
      customerId,
    ])
  ).rows[0]!.n;

/** Open streams end before the next test: their places are back when their leases are gone. */
async function closeAll(streams: { close(): void }[], customerIds: string[]) {
  for (const stream of streams) stream.close();
  await vi.waitFor(async () => expect(await Promise.all(customerIds.map(leasesOf))).toEqual(customerIds.map(() => 0)), {
    timeout: 10_000,
    interval: 50,
  });
}

describe("the live stream's lifetime", () => {
  it("when the token expires, then the stream ends with `event: end` token-expired, and its place is given back", async () => {
    const customerId = randomUUID();
    const expiresAt = Math.floor(Date.now() / 1000) + 3;
    const stream = await openStream(baseUrl, await issuer.token(customerId, expiresAt));
    expect(stream.response.status).toBe(200);
    await vi.waitFor(() => expect(stream.frames.some((f) => f.comment === "heartbeat")).toBe(true), { timeout: 5000 });
    expect(await leasesOf(customerId)).toBe(1);

    await vi.waitFor(() => expect(stream.ended()).toBe(true), { timeout: 10_000, interval: 50 });
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt * 1000);
    expect(stream.frames.at(-1)).toEqual({ event: "end", data: JSON.stringify({ reason: "token-expired" }) });
    await vi.waitFor(async () => expect(await leasesOf(customerId)).toBe(0), { timeout: 5000, interval: 50 });
  });

  it("when a customer opens more streams than the cap, on any instances, then 429 TOO_MANY_STREAMS until one closes", async () => {
    const customerId = randomUUID();
    const token = await issuer.token(customerId);
    const first = await openStream(baseUrl, token);
    const second = await openStream(otherUrl, token);
    expect([first.response.status, second.response.status]).toEqual([200, 200]);
    for (const url of [baseUrl, otherUrl]) {
      const refused = await openStream(url, token);
      expect(refused.response.status).toBe(429);
      expect((await refused.json()).code).toBe("TOO_MANY_STREAMS");
    }
    // Another customer is not held back by this one.
    const someoneElse = randomUUID();
    const theirs = await openStream(otherUrl, await issuer.token(someoneElse));
    expect(theirs.response.status).toBe(200);

    first.close();
    const third = await vi.waitFor(
      async () => {
        const attempt = await openStream(baseUrl, token);
        expect(attempt.response.status).toBe(200);
        return attempt;
      },
      { timeout: 10_000, interval: 100 },
    );
    await closeAll([second, third, theirs], [customerId, someoneElse]);
  });

  it("when the streams' instance dies, then its leases lapse and the customer's streams count no more", async () => {
    const customerId = randomUUID();
    // What a killed instance leaves behind: leases no one renews. One already lapsed counts for nothing.
    await db.pool.query(
      `INSERT INTO stream_leases (id, customer_id, instance_id, expires_at)
       VALUES ($1, $3, $4, now() + interval '1 second'), ($2, $3, $4, now() + interval '1 second'),
              ($5, $3, $4, now() - interval '1 second')`,
      [randomUUID(), randomUUID(), customerId, randomUUID(), randomUUID()],
    );
    const token = await issuer.token(customerId);
    const refused = await openStream(baseUrl, token);
    expect(refused.response.status).toBe(429);
    const admitted = await vi.waitFor(
      async () => {
        const attempt = await openStream(baseUrl, token);
        expect(attempt.response.status).toBe(200);
        return attempt;
      },
      { timeout: 10_000, interval: 100 },
    );
    await closeAll([admitted], [customerId]);
  });

  it("when an instance holds as many streams as it may, then 503 STREAM_CAPACITY_REACHED there, while another instance admits", async () => {
    const customers = Array.from({ length: PER_INSTANCE / PER_CUSTOMER }, () => randomUUID());
    const streams = [];
    for (const customerId of customers) {
      const token = await issuer.token(customerId);
      for (let i = 0; i < PER_CUSTOMER; i += 1) streams.push(await openStream(baseUrl, token));
    }
    expect(streams.map((s) => s.response.status)).toEqual(streams.map(() => 200));
    const newcomer = randomUUID();
    const token = await issuer.token(newcomer);
    const refused = await openStream(baseUrl, token);
    expect(refused.response.status).toBe(503);
    expect((await refused.json()).code).toBe("STREAM_CAPACITY_REACHED");
    const elsewhere = await openStream(otherUrl, token);
    expect(elsewhere.response.status).toBe(200);
    await closeAll([...streams, elsewhere], [...customers, newcomer]);
  });
});

describe("clients that leave before their stream is set up", () => {
  /** A stream request on a raw socket, which the test cuts whenever it likes. */
  async function request(url: string, token: string): Promise<Socket> {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    socket.on("error", () => undefined);
    await once(socket, "connect");
    socket.write(`GET /notifications/stream HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${token}\r\n\r\n`);
    return socket;
  }

  /** Sessions of the service's pool caught mid-query or mid-transaction, and its LISTEN connections. */
  async function databaseSessions() {
    const { rows } = await db.pool.query<{ busy: number; listening: number; waiting: number }>(
      `SELECT count(*) FILTER (WHERE state IN ('active', 'idle in transaction') AND query NOT LIKE 'LISTEN%')::int AS busy,
              count(*) FILTER (WHERE query LIKE 'LISTEN%')::int AS listening,
              count(*) FILTER (WHERE wait_event_type = 'Lock' AND wait_event = 'advisory')::int AS waiting
         FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    return rows[0]!;
  }

  /** Nothing held: no lease, no pool connection, and the instance still admits its whole cap. */
  async function expectNothingLeaked(url: string, customerIds: string[], listening: number) {
    await vi.waitFor(
      async () => {
        expect(await Promise.all(customerIds.map(leasesOf))).toEqual(customerIds.map(() => 0));
        expect(await databaseSessions()).toMatchObject({ busy: 0, listening, waiting: 0 });
      },
      { timeout: 10_000, interval: 50 },
    );
    const owners = Array.from({ length: PER_INSTANCE }, () => randomUUID());
    const streams = await Promise.all(owners.map(async (id) => openStream(url, await issuer.token(id))));
    expect(streams.map((s) => s.response.status)).toEqual(streams.map(() => 200));
    await closeAll(streams, owners);
  }

  it("when many clients leave while they are authenticated, then nothing is held for any of them", async () => {
    const { listening } = await databaseSessions();
    // A new instance has no keys yet: every request waits in authentication for the held JWKS.
    const fresh = await buildApp(config);
    const url = await fresh.listen({ host: "127.0.0.1", port: 0 });
    try {
      issuer.hold();
      const fetchesBefore = issuer.fetches();
      const customerIds = Array.from({ length: 10 }, () => randomUUID());
      const sockets = [];
      for (const customerId of customerIds) {
        const token = await issuer.token(customerId);
        for (let i = 0; i < 5; i += 1) sockets.push(await request(url, token));
      }
      await vi.waitFor(() => expect(issuer.fetches()).toBeGreaterThan(fetchesBefore), { timeout: 5000, interval: 20 });
      for (const socket of sockets) socket.destroy();
      await vi.waitFor(
        () =>
          new Promise<void>((resolve, reject) =>
            fresh.server.getConnections((err, n) => (err || n > 0 ? reject(err ?? new Error(`${n} open`)) : resolve())),
          ),
        { timeout: 5000, interval: 20 },
      );
      issuer.release();
      // The new instance's own LISTEN connections: the live fan-out's and the revocations'.
      await expectNothingLeaked(url, customerIds, listening + 2);
    } finally {
      issuer.release();
      await fresh.close();
    }
  });

  it("when clients leave while their stream is being admitted, then their leases and pool connections are given back", async () => {
    const { listening } = await databaseSessions();
    const customerId = randomUUID();
    const token = await issuer.token(customerId);
    // The customer's admissions wait on the lock the test holds: each is mid-transaction.
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    await locker.query("SELECT pg_advisory_lock(hashtextextended('stream_leases:' || $1, 0))", [customerId]);
    const sockets = [];
    try {
      // As many as each instance admits at once: all of them reach the lock.
      for (let i = 0; i < PER_INSTANCE; i += 1)
        sockets.push(await request(baseUrl, token), await request(otherUrl, token));
      await vi.waitFor(async () => expect((await databaseSessions()).waiting).toBe(2 * PER_INSTANCE), {
        timeout: 10_000,
        interval: 20,
      });
      for (const socket of sockets) socket.destroy();
    } finally {
      for (const socket of sockets) socket.destroy();
      await locker.query("SELECT pg_advisory_unlock(hashtextextended('stream_leases:' || $1, 0))", [customerId]);
      await locker.end();
    }
    await expectNothingLeaked(baseUrl, [customerId], listening);
    await expectNothingLeaked(otherUrl, [customerId], listening);
  });

  it("when clients leave at any moment (before, during and after setup), many times, then nothing is held", async () => {
    const { listening } = await databaseSessions();
    const customerIds = Array.from({ length: 20 }, () => randomUUID());
    await Promise.all(
      customerIds.map(async (customerId, i) => {
        const token = await issuer.token(customerId);
        for (let attempt = 0; attempt < 5; attempt += 1) {
          const socket = await request(i % 2 ? baseUrl : otherUrl, token);
          // Cut after a varying number of turns of the event loop: each lands at another step.
          for (let turn = 0; turn < (i * 5 + attempt) % 25; turn += 1) await new Promise(setImmediate);
          socket.destroy();
        }
      }),
    );
    await expectNothingLeaked(baseUrl, customerIds, listening);
    await expectNothingLeaked(otherUrl, customerIds, listening);
  });
});
