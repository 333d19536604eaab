import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  TOPICS,
  createConsumerRunner,
  createEventPublisher,
  createEventRegistry,
  createKafka,
  createPgIdempotencyStore,
  createPgOutboxRelay,
  enqueueEvents,
  type AnyEvent,
  type ConsumerRunner,
  type Handlers,
  type PgOutboxRelay,
  type Topic,
} from "../src/index.js";
import { inTransaction } from "../src/pg/index.js";
import { SECRET_TOKEN, cipher, sampleEvent } from "./samples.js";
import {
  brokers,
  createTestDatabase,
  endOffsets,
  logger,
  readFrom,
  registryUrl,
  uniqueId,
  untilConsuming,
} from "./support.js";

// The audit event is produced by coffer-ops directly, never through an outbox; and consuming it
// here would create its topic with a broker's default retention before coffer-ops can.
const topics = (Object.values(TOPICS) as Topic[]).filter((t) => t !== TOPICS.opsAudit);
const registry = createEventRegistry(registryUrl);
const kafka = createKafka({ clientId: "contracts-event-bus-test", brokers, logger });
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let relay: PgOutboxRelay;
let runner: ConsumerRunner;
const publisher = createEventPublisher(kafka, registry);
const received = new Map<string, { topic: Topic; event: AnyEvent; headers: Record<string, string> }>();

beforeAll(async () => {
  db = await createTestDatabase();
  relay = createPgOutboxRelay({ pool: db.pool, connectionString: db.url, publisher, logger });
  const groupId = uniqueId("event-bus-test");
  const handlers: Handlers<unknown> = Object.fromEntries(
    topics.map((topic) => [
      topic,
      async (event: AnyEvent, { headers }: { headers: Record<string, string> }) => {
        received.set(event.eventId, { topic, event, headers });
      },
    ]),
  );
  runner = createConsumerRunner({
    kafka,
    registry,
    groupId,
    logger,
    handlers,
    store: createPgIdempotencyStore(db.pool),
    fromBeginning: false,
  });
  await runner.start();
  await relay.start();
  await untilConsuming(
    async () => {
      const marker = sampleEvent(TOPICS.customerDeleted, randomUUID(), "marker");
      await inTransaction(db.pool, (tx) => enqueueEvents(tx, [{ topic: TOPICS.customerDeleted, event: marker }]));
      return marker.eventId;
    },
    (id) => received.has(id),
  );
});

afterAll(async () => {
  await runner?.stop();
  await relay?.stop();
  await publisher.close();
  await db?.drop();
});

describe("the event bus: outbox → relay → Kafka → runner", () => {
  it("when one event of every type is committed to the outbox, then each handler receives it unchanged, with its headers", async () => {
    const customerId = randomUUID();
    const correlationId = uniqueId("round-trip");
    const sent = topics.map((topic) => ({ topic, event: sampleEvent(topic, customerId, correlationId) }));
    await inTransaction(db.pool, (tx) => enqueueEvents(tx, sent));

    await expect.poll(() => sent.every(({ event }) => received.has(event.eventId)), { timeout: 20_000 }).toBe(true);
    for (const { topic, event } of sent) {
      const got = received.get(event.eventId)!;
      expect(got.topic).toBe(topic);
      expect(got.event).toEqual(event);
      expect(got.headers).toMatchObject({ "event-type": topic, "correlation-id": correlationId });
      // Tracing is off in this process: no trace context is made up for the record.
      expect(got.headers).not.toHaveProperty("traceparent");
    }
    expect((await db.pool.query("SELECT count(*)::int AS n FROM event_outbox")).rows[0].n).toBe(0);
  });

  it("when a token-carrying event is published, then the topic's raw bytes do not contain the token, and its consumer decrypts it", async () => {
    const topic = TOPICS.customerEmailVerificationRequested;
    const customerId = randomUUID();
    const from = await endOffsets([topic]);
    const event = sampleEvent(topic, customerId, uniqueId("secret"));
    await inTransaction(db.pool, (tx) => enqueueEvents(tx, [{ topic, event }]));

    const messages = await readFrom(from, (all) =>
      all.some((m) => m.headers?.["correlation-id"]?.toString() === event.correlationId),
    );
    const raw = messages.find((m) => m.headers?.["correlation-id"]?.toString() === event.correlationId)!;
    expect(raw.value!.includes(Buffer.from(SECRET_TOKEN))).toBe(false);
    expect(raw.value!.includes(Buffer.from(customerId))).toBe(true); // the record itself is there, in the clear

    await expect.poll(() => received.has(event.eventId), { timeout: 20_000 }).toBe(true);
    const decoded = received.get(event.eventId)!.event as typeof event;
    expect(cipher.decrypt(decoded.token, `${topic}:${customerId}`)).toBe(SECRET_TOKEN);
    expect(() => cipher.decrypt(decoded.token, `${topic}:${randomUUID()}`)).toThrow();
  });

  it("when a transaction rolls back, then its events are never published", async () => {
    const topic = TOPICS.fileTrashed;
    const event = sampleEvent(topic, randomUUID(), uniqueId("rollback"));
    await expect(
      inTransaction(db.pool, async (tx) => {
        await enqueueEvents(tx, [{ topic, event }]);
        throw new Error("the state change failed");
      }),
    ).rejects.toThrow("the state change failed");
    const marker = sampleEvent(topic, randomUUID(), uniqueId("after-rollback"));
    await inTransaction(db.pool, (tx) => enqueueEvents(tx, [{ topic, event: marker }]));
    await expect.poll(() => received.has(marker.eventId), { timeout: 20_000 }).toBe(true);
    expect(received.has(event.eventId)).toBe(false);
  });
});
