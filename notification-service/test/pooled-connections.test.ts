import { randomUUID } from "node:crypto";
import { TOPICS, createEvent, type EventMap, type EventPayload, type HandlerSpec, type Topic } from "@coffer/contracts";
import { migrate } from "@coffer/contracts/pg";
import { createTestDatabase, waitForMails } from "@coffer/contracts/testing";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMailer } from "../src/mail/mailer.js";
import { loadTemplates } from "../src/mail/templates.js";
import { createNotificationsConsumer } from "../src/notifications/notifications-consumer.js";
import { cipher, logger } from "./support.js";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let servers: pg.PoolClient[];
const mailer = createMailer({ smtpUrl: process.env.SMTP_URL!, from: "Coffer <no-reply@coffer.localhost>" });
let handlers: ReturnType<typeof createNotificationsConsumer>;

beforeAll(async () => {
  db = await createTestDatabase();
  handlers = createNotificationsConsumer({
    pool: db.pool,
    templates: loadTemplates(new URL("../templates/", import.meta.url)),
    mailer,
    claimant: { owner: "pooled-test", leaseMs: 60_000 },
    cipher,
    publicBaseUrl: "https://coffer.example",
  });
  await migrate(db.pool, new URL("../migrations/", import.meta.url));
  servers = await Promise.all([db.pool.connect(), db.pool.connect()]);
});
afterAll(async () => {
  for (const server of servers ?? []) server.release();
  mailer.close();
  await db?.drop();
});

/**
 * What a transaction pooler (PgBouncer, pool_mode = transaction) makes of a connection: each
 * statement outside a transaction may run on any of its server connections, which stay open.
 */
function pooledConnection(): pg.PoolClient {
  const query = (...args: unknown[]) => {
    const server = servers[Math.floor(Math.random() * servers.length)]!;
    return (server.query as (...a: unknown[]) => Promise<unknown>)(...args);
  };
  return { query } as unknown as pg.PoolClient;
}

async function consume<T extends Topic>(topic: T, payload: EventPayload<T>, db: pg.PoolClient) {
  const event = createEvent(topic, payload, { correlationId: `test-${randomUUID()}`, producer: "test" });
  const spec = handlers[topic] as HandlerSpec<T, pg.PoolClient>;
  const handle = typeof spec === "function" ? spec : spec.handle;
  await handle(event as EventMap[T], {
    db,
    log: logger,
    topic,
    partition: 0,
    offset: "0",
    headers: {},
    signal: new AbortController().signal,
  });
}

const advisoryLocks = async () =>
  (
    await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )
  ).rows[0]!.n;

describe("notification-service through a transaction pooler", () => {
  it("when parked events are released with each statement on any server connection, then each is handled once and no lock outlives its statement", async () => {
    // Ten releases: a session lock taken on one server connection and released on another (one
    // chance in two each time) would stay held, and block the next release that needs it.
    const customers = Array.from({ length: 10 }, () => {
      const customerId = randomUUID();
      return { customerId, email: `pooled-${customerId}@example.com` };
    });
    for (const { customerId, email } of customers) {
      // The verification arrives first: its welcome mail waits for the name and language.
      await consume(TOPICS.customerEmailVerified, { customerId, email }, pooledConnection());
      await consume(
        TOPICS.customerRegistered,
        { customerId, email, displayName: "Ada", locale: "en" },
        pooledConnection(),
      );
      expect(await advisoryLocks()).toBe(0);
    }
    const ids = customers.map((c) => c.customerId);
    const { rowCount } = await db.pool.query("SELECT 1 FROM awaiting_customer WHERE customer_id = ANY($1)", [ids]);
    expect(rowCount).toBe(0);
    for (const { email } of customers) {
      const mails = await waitForMails(email, 1);
      expect(mails.map((m) => m.subject)).toEqual(["Your Coffer account is ready"]);
    }
  });
});
