import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import { vi } from "vitest";
import { headersOf } from "../consumer/consumer-runner.js";
import { isTopic, keyOf, type AnyEvent } from "../events/events.js";
import type { EventMap, Topic } from "../events/generated/events.js";
import { createEventRegistry } from "../events/registry.js";

/**
 * Reads what the topics receive from now on (KAFKA_BROKERS, SCHEMA_REGISTRY_URL), decoded, so a
 * test can assert which events its requests published.
 */
export async function createEventTap(topics: readonly Topic[]) {
  const kafka = new Kafka({
    clientId: "coffer-test-tap",
    brokers: process.env.KAFKA_BROKERS!.split(","),
    logLevel: logLevel.NOTHING,
  });
  const registry = createEventRegistry(process.env.SCHEMA_REGISTRY_URL!);
  const admin = kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    await admin
      .createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: 3 })), waitForLeaders: true })
      .catch(() => false);
  }
  const ends = new Map(await Promise.all(topics.map(async (t) => [t, await admin.fetchTopicOffsets(t)] as const)));
  await admin.disconnect();

  const received: { topic: Topic; event: AnyEvent; raw: Buffer; headers: Record<string, string> }[] = [];
  const consumer = kafka.consumer({ groupId: `tap-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics] });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    for (const [topic, partitions] of ends)
      for (const { partition, high } of partitions) consumer.seek({ topic, partition, offset: high });
  });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const start = ends.get(topic as Topic)?.find((p) => p.partition === partition)?.high ?? "0";
      if (!isTopic(topic) || BigInt(message.offset) < BigInt(start) || !message.value) return;
      const event = await registry.decode(topic, message.value);
      received.push({ topic, event, raw: message.value, headers: headersOf(message) });
    },
  });

  const receivedOf = (topic: Topic, key: string) => received.filter((r) => r.topic === topic && keyOf(r.event) === key);
  return {
    /** Every event of the topic with this key (the customer id) received so far. */
    of<T extends Topic>(topic: T, key: string): EventMap[T][] {
      return receivedOf(topic, key).map((r) => r.event as EventMap[T]);
    },
    /** Those events' bytes as Kafka carried them. */
    rawOf(topic: Topic, key: string): Buffer[] {
      return receivedOf(topic, key).map((r) => r.raw);
    },
    /** Those events' headers, as strings. */
    headersOf(topic: Topic, key: string): Record<string, string>[] {
      return receivedOf(topic, key).map((r) => r.headers);
    },
    /** Waits until `count` events of the topic with this key arrived (20 s at most); all of them. */
    async next<T extends Topic>(topic: T, key: string, count = 1): Promise<EventMap[T][]> {
      return vi.waitFor(
        () => {
          const events = this.of(topic, key);
          if (events.length < count) throw new Error(`${events.length} of ${count} ${topic} events for ${key}`);
          return events;
        },
        { timeout: 20_000, interval: 50 },
      );
    },
    close: () => consumer.disconnect(),
  };
}

export type EventTap = Awaited<ReturnType<typeof createEventTap>>;
