import { randomUUID } from "node:crypto";
import { MongoClient, type Collection, type Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  TOPICS,
  createEventPublisher,
  createEventRegistry,
  createKafka,
  createMongoOutboxRelay,
  outboxFields,
  withOutbox,
  type MongoOutboxRelay,
} from "../src/index.js";
import { sampleEvent } from "./samples.js";
import { brokers, endOffsets, logger, readFrom, registryUrl, uniqueId } from "./support.js";

const topic = TOPICS.customerProfileUpdated;
const registry = createEventRegistry(registryUrl);
const kafka = createKafka({ clientId: "contracts-mongo-outbox-test", brokers, logger });
const mongo = new MongoClient(process.env.MONGO_URL!, { serverSelectionTimeoutMS: 3000 });
const database = mongo.db(`test_${randomUUID().replaceAll("-", "")}`);
let customers: Collection<Document>;
const published = [0, 0];
const relays: MongoOutboxRelay[] = [];
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

function startRelay(index: number) {
  const relay = createMongoOutboxRelay({
    collections: [customers],
    publisher: publishers[index]!,
    logger,
    pollIntervalMs: 50,
  });
  relays.push(relay);
  relay.start();
}

beforeAll(async () => {
  await mongo.connect();
  customers = database.collection("customers");
  await customers.createIndex({ outboxPending: 1 });
});
afterAll(async () => {
  await Promise.all(relays.map((r) => r.stop()));
  await Promise.all(publishers.map((p) => p.close()));
  await database.dropDatabase();
  await mongo.close();
});

const profileEvent = (customerId: string, correlationId: string, displayName: string) => ({
  topic,
  event: { ...sampleEvent(topic, customerId, correlationId), displayName },
});

describe("the MongoDB outbox (no multi-document transactions)", () => {
  it("when a document is written with an event while no relay runs, then the event is published once a relay starts", async () => {
    const from = await endOffsets([topic]);
    const customerId = randomUUID();
    const pending = profileEvent(customerId, uniqueId("mongo-relay-down"), "Ada");
    await customers.insertOne({ _id: customerId as never, displayName: "Ada", ...outboxFields([pending]) });
    expect((await customers.findOne({ _id: customerId as never }))?.outbox).toHaveLength(1);

    startRelay(0);
    const messages = await readFrom(from, (all) => all.some((m) => String(m.key) === customerId));
    const mine = messages.filter((m) => String(m.key) === customerId);
    expect(mine).toHaveLength(1);
    expect(await registry.decode(topic, mine[0]!.value)).toEqual(pending.event);
    await expect
      .poll(async () => customers.findOne({ _id: customerId as never }))
      .toMatchObject({ displayName: "Ada", outbox: [], outboxPending: false });
  });

  it("when two relays run while documents change, then every event is published once, in each document's order", async () => {
    startRelay(1);
    published.fill(0);
    const from = await endOffsets([topic]);
    const correlationId = uniqueId("mongo-two-relays");
    const ids = Array.from({ length: 8 }, () => randomUUID());
    const changes = 15;
    await customers.insertMany(ids.map((id) => ({ _id: id as never, displayName: "v0", ...outboxFields([]) })));
    await Promise.all(
      ids.map(async (customerId) => {
        for (let n = 1; n <= changes; n += 1) {
          const displayName = `v${n}`;
          await customers.updateOne(
            { _id: customerId as never },
            withOutbox({ $set: { displayName } }, [profileEvent(customerId, correlationId, displayName)]),
          );
        }
      }),
    );
    const total = ids.length * changes;
    const mine = <M extends { headers?: Record<string, unknown> }>(all: M[]) =>
      all.filter((m) => String(m.headers?.["correlation-id"]) === correlationId);
    await expect.poll(async () => customers.countDocuments({ outboxPending: true }), { timeout: 20_000 }).toBe(0);
    const messages = mine(await readFrom(from, (all) => mine(all).length >= total));
    const events = await Promise.all(messages.map((m) => registry.decode(topic, m.value)));

    expect(new Set(events.map((e) => e.eventId)).size).toBe(total);
    expect(events).toHaveLength(total);
    expect(Math.min(...published), "both relays took a share").toBeGreaterThan(0);
    for (const customerId of ids) {
      const names = events.filter((e) => e.customerId === customerId).map((e) => e.displayName);
      expect(names, customerId).toEqual(Array.from({ length: changes }, (_, i) => `v${i + 1}`));
      expect(await customers.findOne({ _id: customerId as never })).toMatchObject({
        displayName: `v${changes}`,
        outbox: [],
      });
    }
  });
});
