import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  TOPICS,
  createEventPublisher,
  createEventRegistry,
  createKafka,
  createPgOutboxRelay,
  enqueueEvents,
  type PgOutboxRelay,
} from "../src/index.js";
import { inTransaction } from "../src/pg/index.js";
import { sampleEvent } from "./samples.js";
import { brokers, createTestDatabase, endOffsets, logger, readFrom, registryUrl, uniqueId } from "./support.js";

const topic = TOPICS.fileUploaded;
const registry = createEventRegistry(registryUrl);
const kafka = createKafka({ clientId: "contracts-pg-outbox-test", brokers, logger });
let db: Awaited<ReturnType<typeof createTestDatabase>>;
const published = [0, 0];
const publishers = published.map((_, index) => {
  const publisher = createEventPublisher(kafka, registry);
  return {
    ...publisher,
    publish: async (events: Parameters<typeof publisher.publish>[0]) => {
      await publisher.publish(events);
      published[index]! += events.length;
    },
  };
});
const relays: PgOutboxRelay[] = [];

function startRelay(index: number): Promise<void> {
  const relay = createPgOutboxRelay({
    pool: db.pool,
    connectionString: db.url,
    publisher: publishers[index]!,
    logger,
    batchSize: 25,
  });
  relays.push(relay);
  return relay.start();
}

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all(relays.map((r) => r.stop()));
  await Promise.all(publishers.map((p) => p.close()));
  await db.drop();
});

const outboxCount = async () =>
  (await db.pool.query("SELECT count(*)::int AS n FROM event_outbox")).rows[0].n as number;

describe("the PostgreSQL outbox", () => {
  it("when an event is committed while no relay runs, then it waits in the outbox and is published once a relay starts", async () => {
    const from = await endOffsets([topic]);
    const event = sampleEvent(topic, randomUUID(), uniqueId("relay-down"));
    await inTransaction(db.pool, (tx) => enqueueEvents(tx, [{ topic, event }]));
    expect(await outboxCount()).toBe(1);

    await startRelay(0);
    const messages = await readFrom(from, (all) => all.some((m) => m.key?.toString() === event.customerId));
    const mine = messages.filter((m) => m.key?.toString() === event.customerId);
    expect(mine).toHaveLength(1);
    expect(await registry.decode(topic, mine[0]!.value)).toEqual(event);
    await expect.poll(outboxCount).toBe(0);
  });

  it("when two relays run at once, then every event is published exactly once and each customer's events stay in order", async () => {
    await startRelay(1); // relay 0 still runs
    published.fill(0);
    const from = await endOffsets([topic]);
    const correlationId = uniqueId("two-relays");
    const customers = Array.from({ length: 12 }, () => randomUUID());
    const perCustomer = 25;
    // Each customer's events are committed in order, in many small transactions, while both relays drain.
    await Promise.all(
      customers.map(async (customerId) => {
        for (let version = 1; version <= perCustomer; version += 1) {
          const event = { ...sampleEvent(topic, customerId, correlationId), version };
          await inTransaction(db.pool, (tx) => enqueueEvents(tx, [{ topic, event }]));
        }
      }),
    );
    const total = customers.length * perCustomer;
    const mine = <M extends { headers?: Record<string, unknown> }>(all: M[]) =>
      all.filter((m) => String(m.headers?.["correlation-id"]) === correlationId);
    const messages = mine(await readFrom(from, (all) => mine(all).length >= total));
    // Wait a little more for a would-be duplicate: read again until the outbox is empty.
    await expect.poll(outboxCount, { timeout: 20_000 }).toBe(0);
    const again = mine(await readFrom(from, (all) => mine(all).length >= total));

    expect(published[0]! + published[1]!).toBe(total);
    expect(Math.min(...published), "both relays took a share").toBeGreaterThan(0);
    for (const batch of [messages, again]) {
      const events = await Promise.all(batch.map((m) => registry.decode(topic, m.value)));
      expect(new Set(events.map((e) => e.eventId)).size).toBe(total);
      expect(events).toHaveLength(total);
      for (const customerId of customers) {
        const versions = events.filter((e) => e.customerId === customerId).map((e) => e.version);
        expect(versions, customerId).toEqual(Array.from({ length: perCustomer }, (_, i) => i + 1));
      }
    }
  });
});
