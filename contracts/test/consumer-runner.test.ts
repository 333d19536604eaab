import { randomUUID } from "node:crypto";
import { Partitioners } from "kafkajs";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AppError,
  DLQ_HEADERS,
  TOPICS,
  createConsumerRunner,
  createEventPublisher,
  createEventRegistry,
  createKafka,
  createPgIdempotencyStore,
  dlqTopicOf,
  serializeEvent,
  type ConsumerRunner,
  type PendingEvent,
  type ShareAccessedV1,
} from "../src/index.js";
import { createTcpPath } from "../src/testing/index.js";
import { sampleEvent } from "./samples.js";
import {
  brokers,
  createTestDatabase,
  endOffsets,
  kafka as rawKafka,
  logger,
  readFrom,
  registryUrl,
  uniqueId,
  untilConsuming,
} from "./support.js";

const topic = TOPICS.shareAccessed;
const registry = createEventRegistry(registryUrl);
const kafka = createKafka({ clientId: "contracts-runner-test", brokers, logger });
const publisher = createEventPublisher(kafka, registry);
const rawProducer = rawKafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let runner: ConsumerRunner;
const groupId = uniqueId("runner-test");

/** What the handler does per file name, so each test scripts its own behaviour. */
const behaviour = new Map<string, (attempt: number) => Promise<void>>();
const calls = new Map<string, number>();
const effects: string[] = [];
const logLines: Record<string, unknown>[] = [];
const capturingLogger = pino({ level: "info" }, { write: (line: string) => void logLines.push(JSON.parse(line)) });

const pending = (event: ShareAccessedV1): PendingEvent => ({
  eventId: event.eventId,
  topic,
  key: event.customerId,
  payload: serializeEvent(topic, event),
  headers: { "event-type": topic, "correlation-id": event.correlationId },
});

function accessEvent(fileName: string): ShareAccessedV1 {
  return { ...sampleEvent(topic, randomUUID(), uniqueId("runner")), fileName };
}

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query("CREATE TABLE effects (event_id uuid NOT NULL, file_name text NOT NULL)");
  await rawProducer.connect();
  runner = createConsumerRunner({
    kafka,
    registry,
    groupId,
    logger: capturingLogger,
    fromBeginning: false,
    retry: { attempts: 4, initialDelayMs: 20, maxDelayMs: 100 },
    store: createPgIdempotencyStore(db.pool),
    handlers: {
      [topic]: async (event, { db: tx, log }) => {
        log.info({ eventId: event.eventId }, "handling");
        const attempt = (calls.get(event.eventId) ?? 0) + 1;
        calls.set(event.eventId, attempt);
        await behaviour.get(event.fileName)?.(attempt);
        await tx.query("INSERT INTO effects (event_id, file_name) VALUES ($1, $2)", [event.eventId, event.fileName]);
        effects.push(event.eventId);
      },
    },
  });
  await runner.start();
  await untilConsuming(
    async () => {
      const marker = accessEvent("marker");
      await publisher.publish([pending(marker)]);
      return marker.eventId;
    },
    (id) => effects.includes(id),
  );
});

afterAll(async () => {
  await runner?.stop();
  await publisher.close();
  await rawProducer.disconnect();
  await db?.drop();
});

const effectRows = async (eventId: string) =>
  (await db.pool.query("SELECT count(*)::int AS n FROM effects WHERE event_id = $1", [eventId])).rows[0].n as number;

describe("the consumer runner", () => {
  it("when the same event is delivered twice, then its handler's effects happen once", async () => {
    const event = accessEvent("duplicate.pdf");
    await publisher.publish([pending(event), pending(event)]);
    const after = accessEvent("after-duplicate.pdf");
    await publisher.publish([pending(after)]);

    await expect.poll(() => effects.includes(after.eventId), { timeout: 20_000 }).toBe(true);
    expect(calls.get(event.eventId)).toBe(1);
    expect(await effectRows(event.eventId)).toBe(1);
  });

  it("when a handler logs, then its lines carry the correlation id, topic, partition and offset", async () => {
    const event = accessEvent("logged.pdf");
    await publisher.publish([pending(event)]);
    await expect.poll(() => effects.includes(event.eventId), { timeout: 20_000 }).toBe(true);
    const line = logLines.find((l) => l.eventId === event.eventId && l.msg === "handling");
    expect(line).toMatchObject({ correlationId: event.correlationId, topic, consumerGroup: groupId });
    expect(line?.partition).toEqual(expect.any(Number));
    expect(line?.offset).toMatch(/^\d+$/);
  });

  it("when a handler fails twice, then it is retried with backoff and succeeds once", async () => {
    const event = accessEvent("flaky.pdf");
    behaviour.set("flaky.pdf", async (attempt) => {
      if (attempt <= 2) throw new Error(`transient failure ${attempt}`);
    });
    await publisher.publish([pending(event)]);
    await expect.poll(() => effects.includes(event.eventId), { timeout: 20_000 }).toBe(true);
    expect(calls.get(event.eventId)).toBe(3);
    expect(await effectRows(event.eventId)).toBe(1);
  });

  it("when a record cannot be decoded, then it lands in the DLQ with its coordinates and the error, and the next record is processed", async () => {
    const from = await endOffsets([dlqTopicOf(topic)]);
    const key = randomUUID();
    const [sent] = await rawProducer.send({
      topic,
      acks: -1,
      messages: [{ key, value: Buffer.from("{not avro}"), headers: { "correlation-id": "poison-1" } }],
    });
    const next = accessEvent("after-poison.pdf");
    await publisher.publish([{ ...pending(next), key }]); // same key, same partition, after the poison

    await expect.poll(() => effects.includes(next.eventId), { timeout: 20_000 }).toBe(true);
    const dead = (await readFrom(from, (all) => all.some((m) => m.key?.toString() === key))).find(
      (m) => m.key?.toString() === key,
    )!;
    const headers = Object.fromEntries(Object.entries(dead.headers!).map(([k, v]) => [k, String(v)]));
    expect(dead.value?.toString()).toBe("{not avro}");
    expect(headers).toMatchObject({
      [DLQ_HEADERS.originalTopic]: topic,
      [DLQ_HEADERS.originalPartition]: String(sent!.partition),
      [DLQ_HEADERS.originalOffset]: sent!.baseOffset,
      [DLQ_HEADERS.consumerGroup]: groupId,
      [DLQ_HEADERS.errorClass]: "PoisonRecordError",
      [DLQ_HEADERS.attempts]: "1",
      "correlation-id": "poison-1",
    });
    expect(headers[DLQ_HEADERS.errorMessage]).toMatch(/Confluent Avro wire format/);
    expect(Number(headers[DLQ_HEADERS.originalTimestamp])).toBeGreaterThan(0);
  });

  it("when a handler refuses an event (non-retriable) or keeps failing, then it is dead-lettered after 1 or all attempts", async () => {
    const from = await endOffsets([dlqTopicOf(topic)]);
    const refused = accessEvent("refused.pdf");
    const failing = accessEvent("always-failing.pdf");
    behaviour.set("refused.pdf", async () => {
      throw new AppError("SHARE_UNKNOWN", "no such share", { retriable: false });
    });
    behaviour.set("always-failing.pdf", async () => {
      throw new Error("database unavailable");
    });
    const shortBudget = accessEvent("short-budget.pdf");
    behaviour.set("short-budget.pdf", async () => {
      throw new AppError("NOT_YET", "not there yet", { retriable: true, maxAttempts: 2 });
    });
    await publisher.publish([pending(refused), pending(failing), pending(shortBudget)]);

    const ids = new Set([refused.customerId, failing.customerId, shortBudget.customerId]);
    const dead = (await readFrom(from, (all) => all.filter((m) => ids.has(String(m.key))).length === 3)).filter((m) =>
      ids.has(String(m.key)),
    );
    const byKey = new Map(dead.map((m) => [String(m.key), m.headers!]));
    expect(String(byKey.get(refused.customerId)![DLQ_HEADERS.errorClass])).toBe("AppError");
    expect(String(byKey.get(refused.customerId)![DLQ_HEADERS.attempts])).toBe("1");
    expect(String(byKey.get(failing.customerId)![DLQ_HEADERS.errorMessage])).toBe("database unavailable");
    expect(String(byKey.get(failing.customerId)![DLQ_HEADERS.attempts])).toBe("4");
    expect(calls.get(failing.eventId)).toBe(4);
    expect(String(byKey.get(shortBudget.customerId)![DLQ_HEADERS.attempts])).toBe("2"); // its own, shorter budget
    expect(calls.get(shortBudget.eventId)).toBe(2);
    expect(await effectRows(refused.eventId)).toBe(0);
    expect(await effectRows(failing.eventId)).toBe(0);
  });
});

describe("the consumer runner without its schema registry", () => {
  const markerTopic = TOPICS.fileTrashed;
  it("when the registry is unreachable for longer than the retry budget, then the record waits (not dead-lettered) and is processed once the registry is back", async () => {
    const path = await createTcpPath(new URL(registryUrl));
    const seen: string[] = [];
    const retries: string[] = [];
    const retryLogger = pino(
      { level: "warn" },
      {
        write: (line: string) => {
          const entry = JSON.parse(line) as { msg: string; err?: { type?: string } };
          if (entry.msg === "event handling failed; retrying") retries.push(entry.err?.type ?? "");
        },
      },
    );
    const blind = createConsumerRunner({
      kafka,
      // a registry client of its own: no schema cached
      registry: createEventRegistry(path.url),
      groupId: uniqueId("runner-registry-test"),
      logger: retryLogger,
      fromBeginning: false,
      retry: { attempts: 2, initialDelayMs: 20, maxDelayMs: 100 },
      store: createPgIdempotencyStore(db.pool),
      handlers: {
        [markerTopic]: async (event) => void seen.push(event.eventId),
        [topic]: async (event) => void seen.push(event.eventId),
      },
    });
    try {
      await blind.start();
      // The marker is on another topic: the runner has not fetched share.accessed's schema yet.
      await untilConsuming(
        async () => {
          const marker = sampleEvent(markerTopic, randomUUID(), uniqueId("blind-marker"));
          await publisher.publish([
            {
              eventId: marker.eventId,
              topic: markerTopic,
              key: marker.customerId,
              payload: serializeEvent(markerTopic, marker),
              headers: { "event-type": markerTopic, "correlation-id": marker.correlationId },
            },
          ]);
          return marker.eventId;
        },
        (id) => seen.includes(id),
      );
      const from = await endOffsets([dlqTopicOf(topic)]);
      await path.cut();
      const event = accessEvent("during-registry-outage.pdf");
      await publisher.publish([pending(event)]); // the publisher's schema id is cached: it needs no registry
      // Three times the budget of 2 attempts, and still waiting.
      await expect.poll(() => retries.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(6);
      expect(new Set(retries)).toEqual(new Set(["RegistryUnavailable"]));
      expect(seen).not.toContain(event.eventId);
      await path.restore();
      await expect.poll(() => seen.includes(event.eventId), { timeout: 20_000 }).toBe(true);
      const dead = await readFrom(from, (all) => all.some((m) => String(m.key) === event.customerId), 2000);
      expect(dead.filter((m) => String(m.key) === event.customerId)).toEqual([]);
    } finally {
      await blind.stop();
      await path.close();
    }
  });
});

describe("the consumer runner's fetches", () => {
  const bulkTopic = TOPICS.fileUploaded;
  it("when a partition holds a backlog of megabytes, then a batch handler gets as much of it at once as fetchBytesPerPartition allows (kafkajs alone: 1 MiB)", async () => {
    const customerId = randomUUID();
    const from = (await endOffsets([bulkTopic])).get(bulkTopic)!;
    // 7 sends of 1,000 records of ~450 bytes, ~3 MiB, all on partition 0 (a send stays below the broker's 1 MB limit).
    const encoded = async () => {
      const event = sampleEvent(bulkTopic, customerId, uniqueId("bulk"));
      return {
        partition: 0,
        key: customerId,
        value: await registry.encode(bulkTopic, { ...event, name: "x".repeat(255) }),
      };
    };
    for (let send = 0; send < 7; send += 1)
      await rawProducer.send({
        topic: bulkTopic,
        acks: -1,
        messages: await Promise.all(Array.from({ length: 1000 }, encoded)),
      });

    const batches: number[] = [];
    const group = uniqueId("runner-fetch-test");
    const admin = rawKafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId: group, topic: bulkTopic, partitions: from });
    await admin.disconnect();
    const bulk = createConsumerRunner({
      kafka,
      registry,
      groupId: group,
      logger,
      store: createPgIdempotencyStore(db.pool),
      fetchBytesPerPartition: 8 * 2 ** 20,
      handlers: {
        [bulkTopic]: {
          deduplicate: false,
          handle: async () => undefined,
          handleBatch: async (records) => {
            const ours = records.filter(({ event }) => event.customerId === customerId).length;
            if (ours > 0) batches.push(ours);
          },
        },
      },
    });
    try {
      await bulk.start();
      await expect.poll(() => batches.reduce((a, b) => a + b, 0), { timeout: 30_000 }).toBe(7000);
      expect(batches).toEqual([7000]);
    } finally {
      await bulk.stop();
    }
  });
});
