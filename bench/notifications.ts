// file.uploaded events through notification-service (decode, customer lookup, inbox row; no
// mail for this event), against a bare kafkajs consumer reading the same records, run after
// run: both drain the same backlog from the same offsets, timed from their first record to
// their last. Then the latency at a steady rate below that capacity: a record's send time
// (its Kafka timestamp) to its inbox row's created_at.
import { randomUUID } from "node:crypto";
import { pino } from "pino";
import pg from "pg";
import {
  TOPICS,
  createEvent,
  createEventPublisher,
  createEventRegistry,
  createKafka,
  serializeEvent,
  type PendingEvent,
  type Topic,
} from "@coffer/contracts";
import { buildApp } from "../notification-service/src/app.js";
import { loadConfig } from "../notification-service/src/config.js";
import { databaseUrl } from "./lib/platform.js";
import { median, percentile, round, type BenchResult } from "./lib/report.js";

export type NotificationOptions = { events: number; runs?: number; latencyEvents?: number };

const TOPIC = TOPICS.fileUploaded;
const logger = pino({ level: "warn" });
const context = { correlationId: "bench", producer: "bench" };

const pending = (topic: Topic, event: Parameters<typeof serializeEvent>[1] & { customerId: string }): PendingEvent => ({
  eventId: event.eventId,
  topic,
  key: event.customerId,
  payload: serializeEvent(topic, event),
  headers: { "event-type": topic, "correlation-id": "bench" },
});

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function runNotifications(
  env: Record<string, string>,
  options: NotificationOptions,
): Promise<BenchResult> {
  const run = randomUUID().slice(0, 8);
  const database = `bench_notifications_${run}`;
  const admin = new pg.Client({ connectionString: env.PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = databaseUrl(env.PG_ADMIN_URL!, database);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on("error", () => undefined);
  const kafka = createKafka({ clientId: "bench", brokers: env.KAFKA_BROKERS!.split(","), logger });
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  const publisher = createEventPublisher(kafka, createEventRegistry(env.SCHEMA_REGISTRY_URL!));
  const groupId = `bench-notification-service-${run}`;
  const config = loadConfig({
    ...env,
    PORT: "0",
    LOG_LEVEL: "warn",
    DATABASE_URL: url,
    // A database of its own, made here: the service migrates it (a deployment runs the migrate command).
    MIGRATE_ON_START: "true",
    CONSUMER_GROUP: groupId,
    CONSUMER_FROM_BEGINNING: "false",
  });
  const bareGroups: string[] = [];
  const inboxCount = async (customerId: string) =>
    (await pool.query("SELECT count(*)::int AS n FROM inbox WHERE customer_id = $1", [customerId])).rows[0].n as number;

  let app = await buildApp(config);
  await app.listen({ host: "127.0.0.1", port: 0 });
  try {
    // The customer is projected first, as it would be long before it uploads anything; the
    // projection also says the new consumer group is reading.
    const customerId = randomUUID();
    const registered = { customerId, email: `bench-${customerId}@example.com`, displayName: "Bench", locale: "en" };
    await until(
      async () => {
        await publisher.publish([
          pending(TOPICS.customerRegistered, createEvent(TOPICS.customerRegistered, registered, context)),
        ]);
        return ((await pool.query("SELECT 1 FROM customers WHERE id = $1", [customerId])).rowCount ?? 0) > 0;
      },
      60_000,
      "notification-service to project the customer",
    );
    await app.close();

    // The backlog both consumers drain.
    const start = await kafkaAdmin.fetchTopicOffsets(TOPIC);
    const uploaded = (i: number) =>
      createEvent(
        TOPIC,
        {
          customerId,
          fileId: randomUUID(),
          folderId: randomUUID(),
          name: `holiday-${i}.jpg`,
          size: 1_000_000 + i,
          contentType: "image/jpeg",
          sha256: "0".repeat(64),
          version: 1,
        },
        context,
      );
    for (let i = 0; i < options.events; i += 500) {
      const batch = Array.from({ length: Math.min(500, options.events - i) }, (_, j) => uploaded(i + j));
      await publisher.publish(batch.map((e) => pending(TOPIC, e)));
    }
    const end = await kafkaAdmin.fetchTopicOffsets(TOPIC);
    const startOffsets = start.map(({ partition, offset }) => ({ partition, offset }));
    const endOf = new Map(end.map(({ partition, high }) => [partition, BigInt(high)]));
    const total = end.reduce(
      (sum, p) => sum + Number(BigInt(p.high) - BigInt(start.find((s) => s.partition === p.partition)!.offset)),
      0,
    );

    async function bareConsumer(): Promise<number> {
      const group = `bench-bare-${randomUUID().slice(0, 8)}`;
      bareGroups.push(group);
      await kafkaAdmin.setOffsets({ groupId: group, topic: TOPIC, partitions: startOffsets });
      const consumer = kafka.consumer({ groupId: group });
      await consumer.connect();
      await consumer.subscribe({ topic: TOPIC });
      let seen = 0;
      let first = 0;
      let last = 0;
      const done = new Promise<void>((resolve) => {
        void consumer.run({
          partitionsConsumedConcurrently: 3,
          eachMessage: async ({ partition, message }) => {
            if (BigInt(message.offset) >= endOf.get(partition)!) return;
            first ||= performance.now();
            last = performance.now();
            if (++seen === total) resolve();
          },
        });
      });
      await done;
      await consumer.disconnect();
      return total / ((last - first) / 1000);
    }

    async function service(): Promise<number> {
      await pool.query("DELETE FROM inbox WHERE customer_id = $1", [customerId]);
      await kafkaAdmin.setOffsets({ groupId, topic: TOPIC, partitions: startOffsets });
      app = await buildApp(config);
      await app.listen({ host: "127.0.0.1", port: 0 });
      await until(async () => (await inboxCount(customerId)) >= options.events, 600_000, "the inbox to fill");
      const { rows } = await pool.query<{ first: Date; last: Date }>(
        "SELECT min(created_at) AS first, max(created_at) AS last FROM inbox WHERE customer_id = $1",
        [customerId],
      );
      return options.events / ((rows[0]!.last.getTime() - rows[0]!.first.getTime()) / 1000);
    }

    const bare: number[] = [];
    const subject: number[] = [];
    for (let i = 0; i < (options.runs ?? 3); i += 1) {
      bare.push(await bareConsumer());
      subject.push(await service());
      if (i < (options.runs ?? 3) - 1) await app.close();
    }

    // Steady load at half the measured capacity, in batches of 10, with the service caught up.
    const latencyEvents = options.latencyEvents ?? 2000;
    const perSecond = Math.min(...subject) / 2;
    const sentAt = new Map<string, number>();
    const paced = performance.now();
    for (let i = 0; i < latencyEvents; i += 10) {
      const wait = paced + (i / perSecond) * 1000 - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const batch = Array.from({ length: 10 }, (_, j) => uploaded(options.events + i + j));
      const now = Date.now();
      for (const e of batch) sentAt.set(e.eventId, now);
      await publisher.publish(batch.map((e) => pending(TOPIC, e)));
    }
    await until(
      async () => (await inboxCount(customerId)) >= options.events + latencyEvents,
      120_000,
      "the paced events",
    );
    const { rows } = await pool.query<{ event_id: string; created_at: Date }>(
      "SELECT event_id, created_at FROM inbox WHERE customer_id = $1",
      [customerId],
    );
    const latencies = rows
      .filter((r) => sentAt.has(r.event_id))
      .map((r) => r.created_at.getTime() - sentAt.get(r.event_id)!);
    const p99 = percentile(latencies, 0.99);
    return {
      rows: [
        {
          what: `${options.events.toLocaleString("en")} file.uploaded events through notification-service (inbox, no mail)`,
          baseline: "bare kafkajs consumer",
          ratios: subject.map((s, i) => s / bare[i]!),
          target: { kind: "ratio-at-least", value: 0.3 },
          context: `${round(median(subject), 0)} vs ${round(median(bare), 0)} events/s`,
        },
        {
          what: `event sent → inbox row, ${latencyEvents} events at ${round(perSecond, 0)}/s (half the capacity)`,
          baseline: "—",
          ratios: [],
          target: { kind: "at-most", value: 500, unit: "ms p99" },
          measured: p99,
          context: `p50 ${percentile(latencies, 0.5)} ms, p99 ${p99} ms, max ${Math.max(...latencies)} ms`,
        },
      ],
      raw: {
        eventsPerSecond: { notificationService: subject, bareConsumer: bare },
        latency: { events: latencyEvents, perSecond, p50Ms: percentile(latencies, 0.5), p99Ms: p99 },
      },
    };
  } finally {
    await app.close();
    await kafkaAdmin.deleteGroups([groupId, ...bareGroups]).catch(() => undefined);
    await kafkaAdmin.disconnect();
    await publisher.close();
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}
