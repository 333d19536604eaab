import { randomUUID } from "node:crypto";
import {
  DLQ_HEADERS,
  TOPICS,
  createEvent,
  createEventRegistry,
  createKafka,
  dlqTopicOf,
  keyOf,
  type EventMap,
  type EventPayload,
  type Topic,
} from "@coffer/contracts";
import { createTestDatabase, waitForMails } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp } from "../src/app.js";
import { cipher, createEventSource, logger, testConfig, untilConsuming } from "./support.js";

// Records produced by one send to one partition arrive in one fetch: the consumer gets them as a batch.
const kafka = createKafka({
  clientId: "notification-batch-test",
  brokers: process.env.KAFKA_BROKERS!.split(","),
  logger,
});
const registry = createEventRegistry(process.env.SCHEMA_REGISTRY_URL!);
const producer = kafka.producer();
const events = createEventSource();
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;

beforeAll(async () => {
  db = await createTestDatabase();
  await producer.connect();
  // Few attempts: the failing record of the last test is dead-lettered soon.
  app = await buildApp(testConfig({ DATABASE_URL: db.url, MAIL_RETRY_ATTEMPTS: "3", MAIL_RETRY_MAX_DELAY_MS: "100" }));
  await app.listen({ host: "127.0.0.1", port: 0 });
  await untilConsuming(events, db.pool);
});
afterAll(async () => {
  await app?.close();
  await producer.disconnect();
  await events.close();
  await db?.drop();
});

const context = { correlationId: "batch-test", producer: "test" };

async function sendTogether<T extends Topic>(topic: T, batch: readonly EventMap[T][]) {
  await producer.send({
    topic,
    acks: -1,
    messages: await Promise.all(
      batch.map(async (event) => ({
        partition: 0,
        key: keyOf(event),
        value: await registry.encode(topic, event),
        headers: { "event-type": topic, "correlation-id": event.correlationId },
      })),
    ),
  });
}

async function registered(displayName: string) {
  const customer = { customerId: randomUUID(), email: `${randomUUID()}@example.com`, displayName, locale: "en" };
  await events.publish(TOPICS.customerRegistered, customer);
  await events.publish(TOPICS.customerEmailVerified, { customerId: customer.customerId, email: customer.email });
  await vi.waitFor(
    async () => {
      const { rows } = await db.pool.query("SELECT email_verified FROM customers WHERE id = $1", [customer.customerId]);
      expect(rows[0]?.email_verified).toBe(true);
    },
    { timeout: 20_000, interval: 100 },
  );
  return customer;
}

const uploaded = (customerId: string, name: string) =>
  createEvent(
    TOPICS.fileUploaded,
    {
      customerId,
      fileId: randomUUID(),
      folderId: randomUUID(),
      name,
      size: 1000,
      contentType: "text/plain",
      sha256: "0".repeat(64),
      version: 1,
    },
    context,
  );

function shared(customerId: string, recipient: string) {
  const payload: EventPayload<typeof TOPICS.shareCreated> = {
    customerId,
    shareId: randomUUID(),
    fileId: randomUUID(),
    fileName: "plans.pdf",
    recipients: [recipient],
    expiresAt: null,
    passwordProtected: false,
    token: cipher.encrypt(randomUUID(), `${TOPICS.shareCreated}:${customerId}`),
  };
  return createEvent(TOPICS.shareCreated, payload, context);
}

/** This service's delivery log says each was sent, once (other tests' notifiers may mail them too). */
async function untilSent(recipients: string[]) {
  await vi.waitFor(
    async () => {
      const { rows } = await db.pool.query("SELECT recipient, status FROM deliveries WHERE recipient = ANY($1)", [
        recipients,
      ]);
      expect(rows.map((row) => `${row.recipient} ${row.status}`).sort()).toEqual(
        recipients.map((recipient) => `${recipient} sent`).sort(),
      );
    },
    { timeout: 20_000, interval: 100 },
  );
}

async function inboxOf(customerId: string) {
  const { rows } = await db.pool.query<{ event_id: string; title: string }>(
    "SELECT event_id, title FROM inbox WHERE customer_id = $1 ORDER BY id",
    [customerId],
  );
  return rows;
}

describe("events handled a fetched batch at a time", () => {
  it("when a batch mixes customers and repeats an event, then each customer gets one item per event, in the order sent", async () => {
    const [ada, bob] = [randomUUID(), randomUUID()];
    const first = uploaded(ada, "one.txt");
    const batch = [first, uploaded(bob, "two.txt"), first, uploaded(ada, "three.txt"), uploaded(bob, "four.txt")];

    await sendTogether(TOPICS.fileUploaded, batch);

    await vi.waitFor(async () => expect(await inboxOf(bob)).toHaveLength(2), { timeout: 20_000, interval: 100 });
    await vi.waitFor(async () => expect(await inboxOf(ada)).toHaveLength(2), { timeout: 20_000, interval: 100 });
    expect((await inboxOf(ada)).map((row) => row.event_id)).toEqual([batch[0]!.eventId, batch[3]!.eventId]);
    expect((await inboxOf(bob)).map((row) => row.event_id)).toEqual([batch[1]!.eventId, batch[4]!.eventId]);
  });

  it("when a batch holds customers with and without preferences, then each one's choice is honoured", async () => {
    const [quiet, chatty, unknown] = await Promise.all([registered("Quiet"), registered("Chatty"), randomUUID()]);
    await db.pool.query(
      "INSERT INTO preferences (customer_id, shares, activity, storage) VALUES ($1, true, false, true), ($2, false, true, false)",
      [quiet.customerId, chatty.customerId],
    );
    const batch = [
      uploaded(quiet.customerId, "muted.txt"),
      uploaded(chatty.customerId, "kept.txt"),
      uploaded(unknown, "default.txt"),
      uploaded(quiet.customerId, "muted-too.txt"),
    ];

    await sendTogether(TOPICS.fileUploaded, batch);

    await vi.waitFor(async () => expect(await inboxOf(unknown)).toHaveLength(1), { timeout: 20_000, interval: 100 });
    expect((await inboxOf(chatty.customerId)).map((row) => row.event_id)).toEqual([
      expect.any(String),
      batch[1]!.eventId,
    ]);
    expect((await inboxOf(quiet.customerId)).map((row) => row.event_id)).toEqual([expect.any(String)]);
  });

  it("when one event of a batch waits for its customer, then the others are mailed at once and it is mailed once its customer registers", async () => {
    const known = await registered("Known");
    const late = { customerId: randomUUID(), email: `${randomUUID()}@example.com`, displayName: "Late", locale: "en" };
    const [toKnown, toLate, toKnownAgain] = [1, 2, 3].map(() => `r-${randomUUID()}@example.com`);
    const batch = [
      shared(known.customerId, toKnown!),
      shared(late.customerId, toLate!),
      shared(known.customerId, toKnownAgain!),
    ];

    await sendTogether(TOPICS.shareCreated, batch);

    await untilSent([toKnown!, toKnownAgain!]);
    const { rows } = await db.pool.query("SELECT event_id FROM awaiting_customer WHERE customer_id = $1", [
      late.customerId,
    ]);
    expect(rows.map((row) => row.event_id)).toEqual([batch[1]!.eventId]);

    await events.publish(TOPICS.customerRegistered, late);
    await events.publish(TOPICS.customerEmailVerified, { customerId: late.customerId, email: late.email });

    await untilSent([toLate!]);
    await waitForMails(toLate!, 1);
    await vi.waitFor(async () => expect(await inboxOf(late.customerId)).toHaveLength(2), {
      timeout: 20_000,
      interval: 100,
    });
    expect((await inboxOf(known.customerId)).map((row) => row.event_id)).toEqual([
      expect.any(String),
      batch[0]!.eventId,
      batch[2]!.eventId,
    ]);
  });

  it("when a record of a batch cannot be stored, then the others are stored once each and it alone is dead-lettered", async () => {
    const customerId = randomUUID();
    const admin = kafka.admin();
    await admin.connect();
    const dlqFrom = await admin.fetchTopicOffsets(dlqTopicOf(TOPICS.fileUploaded));
    await admin.disconnect();
    // PostgreSQL refuses a NUL in text: the batch's statement fails as a whole.
    const batch = ["a.txt", "b.txt", "bad\u0000.txt", "d.txt", "e.txt"].map((name) => uploaded(customerId, name));

    await sendTogether(TOPICS.fileUploaded, batch);

    const good = batch.filter((_, i) => i !== 2).map((event) => event.eventId);
    await vi.waitFor(async () => expect((await inboxOf(customerId)).map((row) => row.event_id)).toEqual(good), {
      timeout: 30_000,
      interval: 100,
    });
    const dead = await readDeadLetters(dlqFrom, customerId);
    expect(dead).toEqual([batch[2]!.eventId]);
    // Redelivered records do not add items: still one each.
    expect((await inboxOf(customerId)).map((row) => row.event_id)).toEqual(good);
  });
});

/** The event ids dead-lettered for this customer since `from`. */
async function readDeadLetters(from: { partition: number; high: string }[], customerId: string): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `batch-test-dlq-${randomUUID()}` });
  const found: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: dlqTopicOf(TOPICS.fileUploaded) });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    for (const { partition, high } of from)
      consumer.seek({ topic: dlqTopicOf(TOPICS.fileUploaded), partition, offset: high });
  });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.key?.toString() !== customerId) return;
      expect(message.headers?.[DLQ_HEADERS.originalTopic]?.toString()).toBe(TOPICS.fileUploaded);
      found.push((await registry.decode(TOPICS.fileUploaded, message.value)).eventId);
    },
  });
  try {
    await vi.waitFor(() => expect(found).toHaveLength(1), { timeout: 30_000, interval: 100 });
    return found;
  } finally {
    await consumer.disconnect();
  }
}
