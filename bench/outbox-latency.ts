// Median latency from an outbox commit to the consumer's handler call, through the real
// PostgreSQL outbox, relay (LISTEN/NOTIFY), Kafka, the schema registry and the consumer runner.
// Run with `make bench`; prints a table and writes bench/results/<date>-outbox-latency.json.
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
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
  inTransaction,
} from "@coffer/contracts";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
const WARMUP = 20;
const topic = TOPICS.fileTrashed;
const logger = pino({ level: "warn" });

const adminUrl = process.env.PG_ADMIN_URL!;
const database = `bench_${randomUUID().replaceAll("-", "")}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
const url = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();
const pool = new pg.Pool({ connectionString: url });
pool.on("error", () => undefined); // idle clients end with the database at the end of the run
await pool.query(PG_EVENT_TABLES_SQL);

const kafka = createKafka({ clientId: "bench", brokers: process.env.KAFKA_BROKERS!.split(","), logger });
const registry = createEventRegistry(process.env.SCHEMA_REGISTRY_URL!);
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

latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
const result = {
  benchmark: "outbox commit → handler call",
  samples: latencies.length,
  lost: SAMPLES - latencies.length,
  medianMs: +at(0.5).toFixed(2),
  p90Ms: +at(0.9).toFixed(2),
  p99Ms: +at(0.99).toFixed(2),
  minMs: +latencies[0]!.toFixed(2),
  maxMs: +latencies.at(-1)!.toFixed(2),
  machine: { cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  at: new Date().toISOString(),
};

console.log(`\n${result.benchmark} (${result.samples} events, one at a time)`);
console.table({
  latency: { median: result.medianMs, p90: result.p90Ms, p99: result.p99Ms, min: result.minMs, max: result.maxMs },
});
const dir = new URL("results/", import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL(`${result.at.slice(0, 10)}-outbox-latency.json`, dir), `${JSON.stringify(result, null, 2)}\n`);
if (result.lost > 0) {
  console.error(`${result.lost} events did not arrive within 5 s`);
  process.exitCode = 1;
}
