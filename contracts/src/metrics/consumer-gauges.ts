import type { FastifyInstance } from "fastify";
import type { Admin } from "kafkajs";
import { dlqTopicOf } from "../consumer/consumer-runner.js";
import { createKafka, type KafkaConnection } from "../events/kafka.js";
import { cachedRead, createScrapedGauge, type ServiceMetrics } from "./service-metrics.js";

const KAFKA_CACHE_MS = 10_000;

/**
 * `coffer_consumer_lag{group, topic, partition}` (high watermark minus the group's committed
 * offset; a partition with none counts from its low watermark) and `coffer_dlq_records{topic}`
 * (what each dead-letter topic holds), read with the admin client at scrape time (cached). The
 * same on every instance of the group: aggregated with `max`.
 */
export function registerConsumerGauges(
  app: FastifyInstance,
  metrics: ServiceMetrics,
  { connection, groupId, topics }: { connection: KafkaConnection; groupId: string; topics: readonly string[] },
): void {
  // Fails fast: a scrape during an outage answers without these series rather than time out.
  const kafka = createKafka({
    clientId: `${groupId}-metrics`,
    ...connection,
    logger: app.log,
    failFast: { retries: 3 },
  });
  let admin: Admin | undefined;
  async function connected(): Promise<Admin> {
    if (admin) return admin;
    const fresh = kafka.admin();
    await fresh.connect();
    return (admin = fresh);
  }
  async function watermarks(admin: Admin, topic: string) {
    return (await admin.fetchTopicOffsets(topic)).map((p) => ({
      partition: p.partition,
      high: Number(p.high),
      low: Number(p.low),
    }));
  }
  const read = cachedRead(async () => {
    try {
      const client = await connected();
      const committed = await client.fetchOffsets({ groupId, topics: [...topics] });
      const lag = await Promise.all(
        committed.map(async ({ topic, partitions }) => {
          const marks = await watermarks(client, topic);
          return partitions.map(({ partition, offset }) => {
            const { high, low } = marks.find((m) => m.partition === partition) ?? { high: 0, low: 0 };
            const from = Number(offset) < 0 ? low : Number(offset);
            return { labels: { group: groupId, topic, partition: String(partition) }, value: Math.max(0, high - from) };
          });
        }),
      );
      const dlq = await Promise.all(
        topics.map(async (topic) => {
          const marks = await watermarks(client, dlqTopicOf(topic));
          return { labels: { topic: dlqTopicOf(topic) }, value: marks.reduce((sum, m) => sum + m.high - m.low, 0) };
        }),
      );
      return { lag: lag.flat(), dlq };
    } catch (error) {
      // A broken connection is not reused: the next scrape reconnects.
      const stale = admin;
      admin = undefined;
      await stale?.disconnect().catch(() => undefined);
      throw error;
    }
  }, KAFKA_CACHE_MS);
  createScrapedGauge(metrics.registry, {
    name: "coffer_consumer_lag",
    help: "Records of a partition the consumer group has not committed yet",
    labelNames: ["group", "topic", "partition"] as const,
    read: async () => (await read()).lag,
  });
  createScrapedGauge(metrics.registry, {
    name: "coffer_dlq_records",
    help: "Records held by a dead-letter topic",
    labelNames: ["topic"] as const,
    read: async () => (await read()).dlq,
  });
  app.addHook("onClose", async () => {
    await admin?.disconnect();
  });
}
