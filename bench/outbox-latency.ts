// Median latency from an outbox commit to the consumer's handler call, through the real
// PostgreSQL outbox, relay (LISTEN/NOTIFY), Kafka, the schema registry and the consumer runner.
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { pino } from "pino";
import {
  PG_EVENT_TABLES_SQL,
  TOPICS,
  createConsumerRunner,
  createEvent,
  createEventPublisher,
  createEventRegistry,
  createKafka,
  createPgIdempotencyStore,
  createPgOutboxRelay,
  enqueueEvents,
} from "@coffer/contracts";
import { inTransaction } from "@coffer/contracts/pg";

import { percentile, round, type BenchResult } from "./lib/report.js";

const SAMPLES = 300;
const WARMUP = 20;

export async function runOutboxLatency(env: Record<string, string>): Promise<BenchResult> {
  const topic = TOPICS.fileTrashed;
  const logger = pino({ level: "warn" });

  const adminUrl = env.PG_ADMIN_URL!;
  const database = `bench_${randomUUID().replaceAll("-", "")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();
  const pool = new pg.Pool({ connectionString: url });
  pool.on("error", () => undefined); // idle clients end with the database at the end of the run
  await pool.query(PG_EVENT_TABLES_SQL);

  const kafka = createKafka({ clientId: "bench", brokers: env.KAFKA_BROKERS!.split(","), logger });
  const registry = createEventRegistry(env.SCHEMA_REGISTRY_URL!);
  const publisher = createEventPublisher(kafka, registry);
  const relay = createPgOutboxRelay({ pool, connectionString: url, publisher, logger });
  const arrivals = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const runner = createConsumerRunner({
    kafka,
    registry,
    groupId: `bench-${randomUUID()}`,
    logger,
    fromBeginning: false,
    store: createPgIdempotencyStore(pool),
    handlers: {
      [topic]: async (event) => {
        arrivals.set(event.eventId, performance.now());
        waiters.get(event.eventId)?.();
      },
    },
  });
  await runner.start();
  await relay.start();

  async function roundTrip(): Promise<number | undefined> {
    const event = createEvent(
      topic,
      { customerId: randomUUID(), fileId: randomUUID(), name: "bench.bin", size: 1 },
      { correlationId: "bench", producer: "bench" },
    );
    const arrived = new Promise<void>((resolve) => waiters.set(event.eventId, resolve));
    await inTransaction(pool, (tx) => enqueueEvents(tx, [{ topic, event }]));
    const committed = performance.now();
    const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 5000));
    if ((await Promise.race([arrived, timeout])) === "timeout") return undefined;
    return arrivals.get(event.eventId)! - committed;
  }

  // The first events also wait for the consumer's offsets to resolve: they are not measured.
  for (let i = 0; i < WARMUP; i += 1) await roundTrip();
  const latencies: number[] = [];
  for (let i = 0; i < SAMPLES; i += 1) {
    const latency = await roundTrip();
    if (latency !== undefined) latencies.push(latency);
  }

  await runner.stop();
  await relay.stop();
  await publisher.close();
  await pool.end();
  await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
  await admin.end();

  const lost = SAMPLES - latencies.length;
  const figures = {
    samples: latencies.length,
    lost,
    medianMs: round(percentile(latencies, 0.5)),
    p99Ms: round(percentile(latencies, 0.99)),
    maxMs: round(Math.max(...latencies)),
  };
  return {
    rows: [
      {
        what: `outbox commit → consumer handler, ${SAMPLES} events one at a time (PostgreSQL relay, Kafka, registry)`,
        baseline: "—",
        ratios: [],
        context: `median ${figures.medianMs} ms, p99 ${figures.p99Ms} ms${lost > 0 ? `, ${lost} lost` : ""}`,
      },
    ],
    raw: { ...figures, latenciesMs: latencies.map((l) => round(l)) },
  };
}
