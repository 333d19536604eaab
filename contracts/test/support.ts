import { randomUUID } from "node:crypto";
import { Kafka, logLevel, type KafkaMessage } from "kafkajs";
import { vi } from "vitest";
import { pino } from "pino";
import { PG_EVENT_TABLES_SQL, type Logger } from "../src/index.js";
import { createTestDatabase as createTestDatabaseOf } from "../src/testing/index.js";

export const logger: Logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

export const brokers = process.env.KAFKA_BROKERS!.split(",");
export const registryUrl = process.env.SCHEMA_REGISTRY_URL!;
export const kafka = new Kafka({ clientId: "contracts-test", brokers, logLevel: logLevel.NOTHING });

export const uniqueId = (prefix: string) => `${prefix}-${randomUUID()}`;

/** A database of its own for one test file, with the event tables, dropped by `drop()`. */
export const createTestDatabase = () => createTestDatabaseOf({ sql: PG_EVENT_TABLES_SQL });

/** The end offset of every partition of each topic now: read from there to see only what follows. */
export async function endOffsets(
  topics: readonly string[],
): Promise<Map<string, { partition: number; offset: string }[]>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const result = new Map<string, { partition: number; offset: string }[]>();
    for (const topic of topics) {
      if (!existing.has(topic)) {
        await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true }).catch(() => false);
      }
      const offsets = await admin.fetchTopicOffsets(topic);
      result.set(
        topic,
        offsets.map(({ partition, high }) => ({ partition, offset: high })),
      );
    }
    return result;
  } finally {
    await admin.disconnect();
  }
}

/**
 * A new group that starts at "latest" resolves its offsets only at its first fetch, a moment
 * after it joined. Sends markers until the consumer sees one: from then on it sees everything.
 */
export async function untilConsuming(sendMarker: () => Promise<string>, seen: (id: string) => boolean): Promise<void> {
  const markers: string[] = [];
  await vi.waitFor(
    async () => {
      if (markers.some(seen)) return;
      markers.push(await sendMarker());
      throw new Error("the consumer has not seen a marker yet");
    },
    { timeout: 30_000, interval: 300 },
  );
}

export type ReadMessage = KafkaMessage & { topic: string; partition: number };

/** Reads what the topics received after `from` (see endOffsets) until `until` holds or the timeout. */
export async function readFrom(
  from: Map<string, { partition: number; offset: string }[]>,
  until: (messages: ReadMessage[]) => boolean,
  timeoutMs = 20_000,
): Promise<ReadMessage[]> {
  const topics = [...from.keys()];
  const consumer = kafka.consumer({ groupId: uniqueId("reader") });
  const messages: ReadMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    for (const [topic, partitions] of from)
      for (const { partition, offset } of partitions) consumer.seek({ topic, partition, offset });
  });
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const start = from.get(topic)?.find((p) => p.partition === partition)?.offset ?? "0";
      if (BigInt(message.offset) < BigInt(start)) return;
      messages.push({ ...message, topic, partition });
      if (until(messages)) done();
    },
  });
  const timer = setTimeout(done, timeoutMs);
  await finished;
  clearTimeout(timer);
  await consumer.disconnect();
  return messages;
}
