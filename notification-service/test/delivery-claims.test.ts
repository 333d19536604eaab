import { randomUUID } from "node:crypto";
import { TOPICS, createKafka } from "@coffer/contracts";
import { migrate } from "@coffer/contracts/pg";
import { createTestDatabase, createTokenIssuer, mailsTo, waitForMails } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp } from "../src/app.js";
import { deliverOnce } from "../src/deliveries/deliver-once.js";
import { claimDelivery, recordSent } from "../src/deliveries/deliveries-repository.js";
import type { Mailer } from "../src/mail/mailer.js";
import { cipher, createEventSource, createSmtpPath, logger, testConfig, untilConsuming } from "./support.js";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let issuer: Awaited<ReturnType<typeof createTokenIssuer>>;
let smtp: Awaited<ReturnType<typeof createSmtpPath>>;
const apps: FastifyInstance[] = [];
const events = createEventSource();

beforeAll(async () => {
  db = await createTestDatabase();
  await migrate(db.pool, new URL("../migrations/", import.meta.url));
  issuer = await createTokenIssuer();
  smtp = await createSmtpPath();
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await events.close();
  await smtp?.close();
  await issuer?.close();
  await db?.drop();
});

async function notifier(overrides: Record<string, string> = {}) {
  const app = await buildApp(
    testConfig({ DATABASE_URL: db.url, JWKS_URL: issuer.jwksUrl, SMTP_URL: smtp.url, ...overrides }),
  );
  apps.push(app);
  return app;
}

/** A verified customer, projected by the notifiers before it returns. */
async function owner() {
  const customerId = randomUUID();
  const email = `owner-${customerId}@example.com`;
  await events.publish(TOPICS.customerRegistered, { customerId, email, displayName: "Ada", locale: "en" });
  await events.publish(TOPICS.customerEmailVerified, { customerId, email });
  await vi.waitFor(
    async () => {
      const { rows } = await db.pool.query("SELECT email_verified FROM customers WHERE id = $1", [customerId]);
      if (!rows[0]?.email_verified) throw new Error("not projected yet");
    },
    { timeout: 20_000, interval: 100 },
  );
  return customerId;
}

async function share(customerId: string, recipients: string[]) {
  return events.publish(TOPICS.shareCreated, {
    customerId,
    shareId: randomUUID(),
    fileId: randomUUID(),
    fileName: "Plans.pdf",
    expiresAt: null,
    passwordProtected: false,
    recipients,
    token: cipher.encrypt(`share-${randomUUID()}`, `${TOPICS.shareCreated}:${customerId}`),
  });
}

/** Each on a connection of its own, as each instance's would be. */
async function onClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.pool.connect();
  try {
    return await work(client);
  } finally {
    client.release();
  }
}

const recipientsOf = (n: number) => Array.from({ length: n }, () => `r-${randomUUID()}@example.com`);

/** Every recipient has got their mail: each delivery row says `sent`. */
async function untilSent(recipients: string[]) {
  await vi.waitFor(
    async () => {
      const { rows } = await db.pool.query(
        "SELECT count(*)::int AS n FROM deliveries WHERE recipient = ANY($1) AND status = 'sent'",
        [recipients],
      );
      if (rows[0].n !== recipients.length) throw new Error(`${rows[0].n} of ${recipients.length} sent`);
    },
    { timeout: 90_000, interval: 250 },
  );
}

async function expectOneMailEach(recipients: string[]) {
  for (const recipient of recipients) {
    const mails = await mailsTo(recipient);
    expect(mails, recipient).toHaveLength(1);
  }
}

describe("a delivery claimed before it is sent", () => {
  it("when many instances claim one pending delivery at once, then one holds it; once its lease lapsed another takes it and the first can no longer record it sent", async () => {
    const delivery = {
      eventId: randomUUID(),
      deliveryKey: "",
      recipient: "x@example.com",
      customerId: null,
      kind: "welcome",
    };
    const owners = Array.from({ length: 20 }, (_, i) => `instance-${i}`);
    const claims = await Promise.all(
      owners.map((owner) => onClient((c) => claimDelivery(c, delivery, { owner, leaseMs: 60_000 }))),
    );
    const winners = owners.filter((_, i) => claims[i]!.claimed);
    expect(winners).toHaveLength(1);
    expect(new Set(claims.map((c) => c.id)).size).toBe(1);
    const id = claims[0]!.id;

    await db.pool.query("UPDATE deliveries SET lease_until = now() - interval '1 second' WHERE id = $1", [id]);
    const next = await onClient((c) => claimDelivery(c, delivery, { owner: "instance-late", leaseMs: 60_000 }));
    expect(next.claimed).toBe(true);
    expect(await onClient((c) => recordSent(c, id, winners[0]!, "<lost@x>"))).toBe(false);
    expect(await onClient((c) => recordSent(c, id, "instance-late", "<kept@x>"))).toBe(true);
    const { rows } = await db.pool.query("SELECT status, message_id FROM deliveries WHERE id = $1", [id]);
    expect(rows).toEqual([{ status: "sent", message_id: "<kept@x>" }]);
  });

  it("when the consumer has given the event up (rebalance, stop), then nothing is claimed and nothing is sent", async () => {
    const sent: string[] = [];
    const mailer: Mailer = {
      send: async (to) => (sent.push(to), "<id@x>"),
      verify: async () => undefined,
      close: () => undefined,
    };
    const delivery = {
      eventId: randomUUID(),
      deliveryKey: "",
      recipient: "y@example.com",
      customerId: null,
      kind: "welcome",
    };
    const mail = { subject: "s", text: "t", html: "h" };
    const gone = AbortSignal.abort(new Error("rebalance"));
    const claimant = { owner: "a", leaseMs: 60_000 };
    await expect(onClient((c) => deliverOnce(c, mailer, claimant, delivery, mail, gone))).rejects.toThrow("rebalance");
    expect(sent).toEqual([]);
    const { rowCount } = await db.pool.query("SELECT 1 FROM deliveries WHERE event_id = $1", [delivery.eventId]);
    expect(rowCount).toBe(0);
  });

  it("when two notifiers both handle every share (two groups), then each recipient gets exactly one mail", async () => {
    await notifier();
    await notifier();
    await untilConsuming(events, db.pool);
    const customers = await Promise.all([owner(), owner(), owner()]);
    const recipients: string[] = [];
    for (const customerId of customers) {
      const some = recipientsOf(8);
      recipients.push(...some);
      await share(customerId, some);
    }
    await untilSent(recipients);
    await waitForMails(recipients.at(-1)!, 1);
    await expectOneMailEach(recipients);
    for (const app of apps.splice(0)) await app.close();
  }, 120_000);

  it("when SMTP is down while a second notifier joins the group and the first is retrying, then the group rebalances at once and each recipient gets exactly one mail when SMTP is back", async () => {
    const group = `notification-test-${randomUUID()}`;
    const settings = {
      CONSUMER_GROUP: group,
      CONSUMER_SESSION_TIMEOUT_MS: "10000",
      CONSUMER_MAX_WAIT_IN_HANDLER_MS: "3000",
      MAIL_RETRY_ATTEMPTS: "1000",
      MAIL_RETRY_MAX_DELAY_MS: "1500",
    };
    await notifier(settings);
    await untilConsuming(events, db.pool);
    // A group that starts at the end commits a position only where it handled a record; the
    // partitions without one would start at their end again after the rebalance. Cover them all.
    const admin = createKafka({
      clientId: "claims-test",
      brokers: process.env.KAFKA_BROKERS!.split(","),
      logger,
    }).admin();
    await admin.connect();
    try {
      await vi.waitFor(
        async () => {
          const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [TOPICS.shareCreated] });
          if (offsets!.partitions.every((p) => Number(p.offset) >= 0)) return;
          await share(await owner(), recipientsOf(1));
          throw new Error("a partition of share.created has no committed position yet");
        },
        { timeout: 60_000, interval: 500 },
      );
    } finally {
      await admin.disconnect();
    }
    const customers = await Promise.all([owner(), owner(), owner(), owner()]);

    await smtp.cut();
    const recipients: string[] = [];
    for (const customerId of customers) {
      const some = recipientsOf(5);
      recipients.push(...some);
      await share(customerId, some);
    }
    await vi.waitFor(
      async () => {
        const { rows } = await db.pool.query(
          "SELECT count(*)::int AS n FROM deliveries WHERE recipient = ANY($1) AND attempts >= 2",
          [recipients],
        );
        if (rows[0].n === 0) throw new Error("no delivery retried yet");
      },
      { timeout: 30_000, interval: 200 },
    );

    const joining = Date.now();
    await notifier(settings);
    // A member stuck in its handler would hold the join up to the rebalance timeout (60 s).
    expect(Date.now() - joining).toBeLessThan(20_000);
    await smtp.restore();

    await untilSent(recipients);
    await waitForMails(recipients.at(-1)!, 1);
    await expectOneMailEach(recipients);
  }, 180_000);
});
