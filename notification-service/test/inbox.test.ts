import { randomUUID } from "node:crypto";
import { TOPICS } from "@coffer/contracts";
import { createTestDatabase, createTokenIssuer, waitForMails } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp } from "../src/app.js";
import { addInboxItem, addInboxItems } from "../src/inbox/inbox-repository.js";
import { createEventSource, testConfig, untilConsuming } from "./support.js";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let issuer: Awaited<ReturnType<typeof createTokenIssuer>>;
let app: FastifyInstance;
let other: FastifyInstance;
let baseUrl: string;
let otherUrl: string;
const events = createEventSource();

beforeAll(async () => {
  db = await createTestDatabase();
  issuer = await createTokenIssuer();
  const config = testConfig({ DATABASE_URL: db.url, JWKS_URL: issuer.jwksUrl, SSE_HEARTBEAT_SECONDS: "1" });
  app = await buildApp(config);
  other = await buildApp(config); // a second instance of the service, same database and group
  baseUrl = await app.listen({ host: "127.0.0.1", port: 0 });
  otherUrl = await other.listen({ host: "127.0.0.1", port: 0 });
  await untilConsuming(events, db.pool);
});
afterAll(async () => {
  await other?.close();
  await app?.close();
  await events.close();
  await issuer?.close();
  await db?.drop();
});

type StreamEvent = { id?: string; event?: string; data?: string; comment?: string; at: number };

/** A Server-Sent Events client over fetch: frames as they arrive. */
async function openStream(url: string, token: string, lastEventId?: string) {
  const controller = new AbortController();
  const response = await fetch(`${url}/notifications/stream`, {
    headers: { authorization: `Bearer ${token}`, ...(lastEventId && { "last-event-id": lastEventId }) },
    signal: controller.signal,
  });
  const frames: StreamEvent[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const frame: StreamEvent = { at: Date.now() };
          for (const line of buffer.slice(0, end).split("\n")) {
            if (line.startsWith(":")) frame.comment = line.slice(1).trim();
            else {
              const [field, ...rest] = line.split(": ");
              (frame as Record<string, unknown>)[field!] = rest.join(": ");
            }
          }
          frames.push(frame);
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    response,
    frames,
    notifications: () =>
      frames.filter((f) => f.event === "notification").map((f) => ({ id: f.id!, at: f.at, ...JSON.parse(f.data!) })),
    close: () => controller.abort(),
  };
}

async function customer() {
  const customerId = randomUUID();
  const email = `i-${customerId}@example.com`;
  await events.publish(TOPICS.customerRegistered, { customerId, email, displayName: "Ada", locale: "en" });
  await events.publish(TOPICS.customerEmailVerified, { customerId, email });
  await waitForMails(email, 1);
  // The mail reaches MailHog just before the consumer commits its delivery row.
  await vi.waitFor(
    async () => {
      const { rowCount } = await db.pool.query("SELECT 1 FROM deliveries WHERE customer_id = $1 AND status = 'sent'", [
        customerId,
      ]);
      if (rowCount !== 1) throw new Error("welcome not recorded yet");
    },
    { timeout: 20_000, interval: 50 },
  );
  const token = await issuer.token(customerId);
  return { customerId, email, token, auth: { authorization: `Bearer ${token}` } };
}

const upload = (customerId: string, name: string) =>
  events.publish(TOPICS.fileUploaded, {
    customerId,
    fileId: randomUUID(),
    folderId: randomUUID(),
    name,
    size: 3 * 1024 * 1024,
    contentType: "application/pdf",
    sha256: "b".repeat(64),
    version: 1,
  });

describe("the inbox", () => {
  it("when notifications arrive, then they are listed newest first with the unread count, and can be read one by one or all at once", async () => {
    const ada = await customer();
    const bob = await customer();
    await upload(ada.customerId, "one.pdf");
    await upload(ada.customerId, "two.pdf");
    const list = await vi.waitFor(
      async () => {
        const body = (await app.inject({ url: "/notifications?limit=2", headers: ada.auth })).json();
        if (body.unread < 3) throw new Error("not all there yet");
        return body;
      },
      { timeout: 20_000, interval: 100 },
    );
    // Newest first by id (events of different topics may be handled in any order between them).
    const ids = list.items.map((i: { id: string }) => Number(i.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(list.nextCursor).toEqual(list.items[1].id);
    const rest = (await app.inject({ url: `/notifications?cursor=${list.nextCursor}`, headers: ada.auth })).json();
    expect(Number(rest.items[0].id)).toBeLessThan(ids[1]);
    expect([...list.items, ...rest.items].map((i: { body: string }) => i.body).sort()).toEqual([
      '"one.pdf" (3.0 MiB) is stored.',
      '"two.pdf" (3.0 MiB) is stored.',
      "Your address is verified.",
    ]);

    const first = list.items[0].id;
    expect(
      (await app.inject({ method: "POST", url: `/notifications/${first}/read`, headers: bob.auth })).statusCode,
    ).toBe(404);
    expect(
      (await app.inject({ method: "POST", url: `/notifications/${first}/read`, headers: ada.auth })).statusCode,
    ).toBe(204);
    expect((await app.inject({ url: "/notifications", headers: ada.auth })).json().unread).toBe(2);
    expect((await app.inject({ method: "POST", url: "/notifications/read-all", headers: ada.auth })).json()).toEqual({
      updated: 2,
    });
    expect((await app.inject({ url: "/notifications", headers: ada.auth })).json().unread).toBe(0);
    expect((await app.inject({ url: "/notifications" })).statusCode).toBe(401);
  });
});

describe("the live stream", () => {
  it("when a file is uploaded, then the customer's stream gets the notification within a second, with heartbeats in between", async () => {
    const ada = await customer();
    const stream = await openStream(baseUrl, ada.token);
    expect(stream.response.headers.get("content-type")).toContain("text/event-stream");
    await vi.waitFor(() => expect(stream.frames.some((f) => f.comment === "heartbeat")).toBe(true), { timeout: 5000 });
    const published = Date.now();
    await upload(ada.customerId, "live.pdf");
    const [item] = await vi.waitFor(
      () => {
        const got = stream.notifications();
        if (got.length === 0) throw new Error("nothing yet");
        return got;
      },
      { timeout: 5000, interval: 20 },
    );
    expect(item).toMatchObject({ kind: "file-uploaded", title: "Upload complete", read: false });
    expect(item!.at - published).toBeLessThan(1000);
    stream.close();
  });

  it("when a client reconnects with Last-Event-ID, then it first gets exactly what it missed", async () => {
    const ada = await customer();
    const first = await openStream(baseUrl, ada.token);
    await upload(ada.customerId, "before.pdf");
    const [seen] = await vi.waitFor(
      () => {
        const got = first.notifications();
        if (got.length === 0) throw new Error("nothing yet");
        return got;
      },
      { timeout: 10_000, interval: 20 },
    );
    first.close();
    await upload(ada.customerId, "missed-1.pdf");
    await upload(ada.customerId, "missed-2.pdf");
    await vi.waitFor(
      async () => {
        const { rows } = await db.pool.query(
          "SELECT count(*)::int AS n FROM inbox WHERE customer_id = $1 AND kind = 'file-uploaded'",
          [ada.customerId],
        );
        expect(rows[0].n).toBe(3);
      },
      { timeout: 10_000, interval: 50 },
    );

    const resumed = await openStream(baseUrl, ada.token, seen!.id);
    const missed = await vi.waitFor(
      () => {
        const got = resumed.notifications();
        if (got.length < 2) throw new Error("not yet");
        return got;
      },
      { timeout: 5000, interval: 20 },
    );
    expect(missed.map((n) => n.body)).toEqual([
      '"missed-1.pdf" (3.0 MiB) is stored.',
      '"missed-2.pdf" (3.0 MiB) is stored.',
    ]);
    resumed.close();
  });

  it("when another instance stores the item, then a stream on this instance still gets it", async () => {
    const ada = await customer();
    const stream = await openStream(otherUrl, ada.token);
    await vi.waitFor(() => expect(stream.frames.length).toBeGreaterThan(0), { timeout: 5000 }); // connected
    const client = await db.pool.connect();
    try {
      await addInboxItem(client, {
        customerId: ada.customerId,
        eventId: randomUUID(),
        kind: "file-purged",
        category: "activity",
        title: "Elsewhere",
        body: "stored by another instance",
        link: null,
      });
    } finally {
      client.release();
    }
    await vi.waitFor(() => expect(stream.notifications().map((n) => n.title)).toContain("Elsewhere"), {
      timeout: 5000,
      interval: 20,
    });
    stream.close();
    const refused = await fetch(`${otherUrl}/notifications/stream`);
    expect(refused.status).toBe(401);
  });
  it("when many items commit at once, then the stream gets them in the order they were stored", async () => {
    const ada = await customer();
    const stream = await openStream(otherUrl, ada.token);
    await vi.waitFor(() => expect(stream.frames.length).toBeGreaterThan(0), { timeout: 5000 });
    const item = (title: string) => ({
      customerId: ada.customerId,
      eventId: randomUUID(),
      kind: "file-purged",
      category: "activity",
      title,
      body: "stored in one transaction",
      link: null,
    });
    const oneByOne = Array.from({ length: 200 }, (_, i) => `one by one ${i}`);
    const batch = Array.from({ length: 700 }, (_, i) => `in a batch ${i}`); // more than one notice holds
    const client = await db.pool.connect();
    try {
      // 200 statements, so 200 notices at the commit, which the instance must not read out of order;
      // then one statement whose ids take several notices.
      await client.query("BEGIN");
      for (const title of oneByOne) await addInboxItem(client, item(title));
      await client.query("COMMIT");
      await addInboxItems(client, batch.map(item));
    } finally {
      client.release();
    }
    const titles = [...oneByOne, ...batch];
    await vi.waitFor(() => expect(stream.notifications()).toHaveLength(titles.length), {
      timeout: 10_000,
      interval: 50,
    });
    expect(stream.notifications().map((n) => n.title)).toEqual(titles);
    stream.close();
  });
});

describe("administration", () => {
  it("when an admin asks for deliveries, then they see what was sent to whom, filtered; anyone else gets 403", async () => {
    const ada = await customer();
    const admin = { authorization: `Bearer ${await issuer.token(randomUUID(), ["user", "admin"])}` };
    expect((await app.inject({ url: "/admin/deliveries", headers: ada.auth })).statusCode).toBe(403);
    const response = await app.inject({
      url: `/admin/deliveries?customerId=${ada.customerId}&status=sent`,
      headers: admin,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().deliveries).toEqual([
      expect.objectContaining({
        customerId: ada.customerId,
        recipient: ada.email,
        kind: "welcome",
        status: "sent",
        attempts: 1,
        resend: false,
      }),
    ]);
  });

  it("when PostgreSQL ends the LISTEN connections, then an open stream gets every item stored meanwhile and after, in order, none twice", async () => {
    const ada = await customer();
    const stream = await openStream(otherUrl, ada.token);
    await vi.waitFor(() => expect(stream.frames.length).toBeGreaterThan(0), { timeout: 5000 }); // connected
    const store = async (title: string) => {
      const client = await db.pool.connect();
      try {
        await addInboxItem(client, {
          customerId: ada.customerId,
          eventId: randomUUID(),
          kind: "file-purged",
          category: "activity",
          title,
          body: "stored while the LISTEN was down",
          link: null,
        });
      } finally {
        client.release();
      }
    };
    const listeners = () =>
      db.pool.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = $1 AND pid <> pg_backend_pid()",
        ["LISTEN inbox_item"],
      );
    const before = (await listeners()).rows.map((r) => r.pid);
    expect(before).toHaveLength(2); // one per instance

    const titles = Array.from({ length: 12 }, (_, i) => `item ${i}`);
    await db.pool.query("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", [before]);
    for (const title of titles.slice(0, 6)) await store(title); // notified to nobody
    await vi.waitFor(
      async () => {
        const pids = (await listeners()).rows.map((r) => r.pid);
        if (pids.length !== 2 || pids.some((pid) => before.includes(pid))) throw new Error("not listening again yet");
      },
      { timeout: 10_000, interval: 50 },
    );
    for (const title of titles.slice(6)) await store(title);

    await vi.waitFor(() => expect(stream.notifications()).toHaveLength(titles.length), {
      timeout: 10_000,
      interval: 50,
    });
    const got = stream.notifications();
    expect(got.map((n) => n.title)).toEqual(titles);
    expect(new Set(got.map((n) => n.id)).size).toBe(titles.length);
    stream.close();
  });
});

/** Stores an item for the customer over `client`, or on its own connection (committed at once). */
async function storeItem(customerId: string, title: string, client?: pg.PoolClient) {
  const connection = client ?? (await db.pool.connect());
  try {
    await addInboxItem(connection, {
      customerId,
      eventId: randomUUID(),
      kind: "file-purged",
      category: "activity",
      title,
      body: "stored by the test",
      link: null,
    });
  } finally {
    if (!client) connection.release();
  }
}

/** An item whose id is taken now and which commits when `commit` is called: after items with higher ids. */
async function storeLater(customerId: string, title: string) {
  const client = await db.pool.connect();
  await client.query("BEGIN");
  await storeItem(customerId, title, client);
  return {
    async commit() {
      await client.query("COMMIT");
      client.release();
    },
  };
}

/** The backends LISTENing for inbox items: one per instance. */
const listeners = () =>
  db.pool.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = $1 AND pid <> pg_backend_pid()",
    ["LISTEN inbox_item"],
  );

describe("the live stream, with items committed out of id order", () => {
  it("when an item commits after one with a higher id was sent, then the stream still gets it, once", async () => {
    const ada = await customer();
    const stream = await openStream(baseUrl, ada.token);
    await vi.waitFor(() => expect(stream.frames.length).toBeGreaterThan(0), { timeout: 5000 });
    const slow = await storeLater(ada.customerId, "lower id, committed last");
    await storeItem(ada.customerId, "higher id, committed first");
    await vi.waitFor(() => expect(stream.notifications()).toHaveLength(1), { timeout: 5000, interval: 50 });
    await slow.commit();
    await vi.waitFor(() => expect(stream.notifications()).toHaveLength(2), { timeout: 5000, interval: 50 });
    expect(stream.notifications().map((n) => n.title)).toEqual([
      "higher id, committed first",
      "lower id, committed last",
    ]);
    stream.close();
  });

  it("when an item stored while the stream starts commits after a newer one, then the stream gets it", async () => {
    const ada = await customer();
    const slow = await storeLater(ada.customerId, "in flight at the start");
    await storeItem(ada.customerId, "stored before the start"); // the stream starts after this one
    const stream = await openStream(baseUrl, ada.token);
    await vi.waitFor(() => expect(stream.frames.length).toBeGreaterThan(0), { timeout: 5000 });
    await slow.commit();
    await vi.waitFor(() => expect(stream.notifications().map((n) => n.title)).toEqual(["in flight at the start"]), {
      timeout: 5000,
      interval: 50,
    });
    stream.close();
  });

  it("when such an item commits while the LISTEN connections are down, then the catch-up after the re-LISTEN sends it", async () => {
    const ada = await customer();
    const stream = await openStream(otherUrl, ada.token);
    await vi.waitFor(() => expect(stream.frames.length).toBeGreaterThan(0), { timeout: 5000 });
    const slow = await storeLater(ada.customerId, "lower id, committed while nobody listened");
    await storeItem(ada.customerId, "higher id, sent live");
    await vi.waitFor(() => expect(stream.notifications()).toHaveLength(1), { timeout: 5000, interval: 50 });

    const before = (await listeners()).rows.map((r) => r.pid);
    await db.pool.query("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", [before]);
    await slow.commit(); // notified to nobody
    await vi.waitFor(
      async () => {
        const pids = (await listeners()).rows.map((r) => r.pid);
        if (pids.length !== 2 || pids.some((pid) => before.includes(pid))) throw new Error("not listening again yet");
      },
      { timeout: 10_000, interval: 50 },
    );
    await vi.waitFor(() => expect(stream.notifications()).toHaveLength(2), { timeout: 10_000, interval: 50 });
    expect(stream.notifications().map((n) => n.title)).toEqual([
      "higher id, sent live",
      "lower id, committed while nobody listened",
    ]);
    stream.close();
  });

  it("when the catch-up after a re-LISTEN fails, then it is retried until the missed item is sent", async () => {
    const ada = await customer();
    const stream = await openStream(otherUrl, ada.token);
    await vi.waitFor(() => expect(stream.frames.length).toBeGreaterThan(0), { timeout: 5000 });
    const before = (await listeners()).rows.map((r) => r.pid);
    await db.pool.query("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", [before]);
    await storeItem(ada.customerId, "stored while nobody listened");
    // Every read of the inbox fails until the table is back, the catch-up's included.
    await db.pool.query("ALTER TABLE inbox RENAME TO inbox_away");
    try {
      await vi.waitFor(
        async () => {
          const pids = (await listeners()).rows.map((r) => r.pid);
          if (pids.length !== 2 || pids.some((pid) => before.includes(pid))) throw new Error("not listening again yet");
        },
        { timeout: 10_000, interval: 50 },
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(stream.notifications()).toHaveLength(0);
    } finally {
      await db.pool.query("ALTER TABLE inbox_away RENAME TO inbox");
    }
    await vi.waitFor(
      () => expect(stream.notifications().map((n) => n.title)).toEqual(["stored while nobody listened"]),
      { timeout: 10_000, interval: 50 },
    );
    stream.close();
  });
});
