import { randomUUID } from "node:crypto";
import { setTimeout as simulateWork } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  TOPICS,
  createConsumerRunner,
  createEventPublisher,
  createEventRegistry,
  createKafka,
  createPgIdempotencyStore,
  serializeEvent,
  type QuotaThresholdReachedV1,
} from "../src/index.js";
import { sampleEvent } from "./samples.js";
import {
  brokers,
  createTestDatabase,
  kafka as rawKafka,
  logger,
  registryUrl,
  uniqueId,
  untilConsuming,
} from "./support.js";

const topic = TOPICS.quotaThresholdReached;
const registry = createEventRegistry(registryUrl);
const kafka = createKafka({ clientId: "contracts-shutdown-test", brokers, logger });
const publisher = createEventPublisher(kafka, registry);
let db: Awaited<ReturnType<typeof createTestDatabase>>;

const publish = (event: QuotaThresholdReachedV1) =>
  publisher.publish([
    { eventId: event.eventId, topic, key: event.customerId, payload: serializeEvent(topic, event), headers: {} },
  ]);

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await publisher.close();
  await db.drop();
});

describe("the consumer runner's shutdown", () => {
  it("when stopped while handling a record, then it finishes that record and commits its offset", async () => {
    const groupId = uniqueId("shutdown-test");
    const started: string[] = [];
    const finished: string[] = [];
    const runner = createConsumerRunner({
      kafka,
      registry,
      groupId,
      logger,
      fromBeginning: false,
      store: createPgIdempotencyStore(db.pool),
      handlers: {
        [topic]: async (event, { partition, offset }) => {
          started.push(event.eventId);
          if (event.threshold === 100) await simulateWork(1500);
          finished.push(`${event.eventId}@${partition}:${offset}`);
        },
      },
    });
    await runner.start();
    await untilConsuming(
      async () => {
        const marker = sampleEvent(topic, randomUUID(), "marker");
        await publish(marker);
        return marker.eventId;
      },
      (id) => finished.some((f) => f.startsWith(id)),
    );

    const slow = { ...sampleEvent(topic, randomUUID(), uniqueId("slow")), threshold: 100 };
    await publish(slow);
    await expect.poll(() => started.includes(slow.eventId), { timeout: 20_000 }).toBe(true);
    await runner.stop();

    const done = finished.find((f) => f.startsWith(slow.eventId));
    expect(done, "the record in hand was finished").toBeDefined();
    const [partition, offset] = done!.split("@")[1]!.split(":").map(Number);
    const admin = rawKafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    const partitionOffset = committed!.partitions.find((p) => p.partition === partition)!;
    expect(Number(partitionOffset.offset)).toBe(offset! + 1);
  });
});
