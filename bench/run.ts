// `make bench`: every benchmark against the local servers, one table, and
// bench/results/<date>.json with the machine and every run's raw figures (a BENCH_ONLY subset:
// <date>.<subset>.json, ignored by git).
//
//   BENCH_ONLY=files,listing   a subset: notifications, files, listing, auth, outbox; kafka-clients
//                              only when named (a 3-broker Kafka of its own, ~17 minutes; BENCH_RUNS pairs)
//   BENCH_SIZES=16,256,1024    upload/download sizes in MiB
//   BENCH_RUNS=5               runs per size (default 5 below 256 MiB, 3 from 256 MiB)
//   BENCH_EVENTS=100000        file.uploaded events for the notification pipeline
//   BENCH_EVENT_SIZES=1000,10000  the pipeline's other backlog sizes, measured once each
//   BENCH_MAILS=500            share mails for the mail rate
//   BENCH_FILES=10000,100000,1000000  files per customer for the listing benchmark (one customer each)
//   BENCH_DURATION=10          seconds of each autocannon run
//   BENCH_KAFKA_RECORDS=20000  records per Kafka client throughput run
//   BENCH_KAFKA_PORT=25092     the first port of kafka-clients' cluster (it takes six)
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { runAuth } from "./auth.js";
import { runFileListing } from "./file-listing.js";
import { runFileTransfer } from "./file-transfer.js";
import { runKafkaClients } from "./kafka-clients.js";
import { runNotifications } from "./notifications.js";
import { runOutboxLatency } from "./outbox-latency.js";
import { startBenchPlatform } from "./lib/platform.js";
import { startTusd } from "./lib/tusd.js";
import { formatTable, isMet, median, type BenchResult, type Row } from "./lib/report.js";

const env = process.env as Record<string, string>;
const only = new Set((env.BENCH_ONLY ?? "notifications,files,listing,auth,outbox").split(","));
const sizesMiB = (env.BENCH_SIZES ?? "16,256,1024").split(",").map(Number);
const runs = env.BENCH_RUNS ? Number(env.BENCH_RUNS) : undefined;
const events = Number(env.BENCH_EVENTS ?? 100_000);
const eventSizes = (env.BENCH_EVENT_SIZES ?? "1000,10000").split(",").filter(Boolean).map(Number);
const mails = Number(env.BENCH_MAILS ?? 500);
const files = (env.BENCH_FILES ?? "10000,100000,1000000").split(",").map(Number);
const durationSeconds = Number(env.BENCH_DURATION ?? 10);
for (const key of ["PG_ADMIN_URL", "MONGO_URL", "KAFKA_BROKERS", "SCHEMA_REGISTRY_URL", "MINIO_ENDPOINT"]) {
  if (!env[key]) throw new Error(`${key} is not set: run through infra/bin/with-infra (make bench)`);
}

const results: Record<string, BenchResult> = {};
const startedAt = new Date();
// First, before the platform starts: its notification-service would read the same events.
if (only.has("notifications")) {
  console.log(`notification pipeline: ${events} file.uploaded events…`);
  results.notifications = await runNotifications(env, { events, sizes: eventSizes, mails });
}
if (only.has("outbox")) {
  console.log("outbox latency…");
  results.outbox = await runOutboxLatency(env);
}
if (only.has("kafka-clients")) {
  console.log("Kafka clients side by side on a 3-broker cluster…");
  results.kafkaClients = await runKafkaClients({
    records: Number(env.BENCH_KAFKA_RECORDS ?? 20_000),
    pairs: runs ?? 3,
    rate: 200,
    latencySeconds: 10,
    port: Number(env.BENCH_KAFKA_PORT ?? 25092),
  });
}
if (only.has("files") || only.has("listing") || only.has("auth")) {
  const platform = await startBenchPlatform(env);
  try {
    if (only.has("files")) {
      console.log(`uploads and downloads: ${sizesMiB.join(", ")} MiB…`);
      results.files = await runFileTransfer(platform, {
        sizesMiB,
        runsFor: (size) => runs ?? (size < 256 ? 5 : 3),
        tusChunkMiB: 8,
        startTusd: (partSize) => startTusd(env, partSize),
      });
    }
    if (only.has("listing")) {
      console.log(`GET /files with ${files.join(", ")} files…`);
      results.listing = await runFileListing(platform, { sizes: files, durationSeconds, connections: 50, runs });
    }
    if (only.has("auth")) {
      console.log("login and refresh…");
      results.auth = await runAuth(platform, { durationSeconds });
    }
  } finally {
    await platform.stop();
  }
}

const rows: Row[] = Object.values(results).flatMap((r) => r.rows);
const machine = {
  cores: cpus().length,
  cpuModel: cpus()[0]?.model,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
console.log(
  `\nCoffer benchmarks, ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${commit}\n`,
);
console.log(formatTable(rows));
const dir = new URL("results/", import.meta.url);
mkdirSync(dir, { recursive: true });
// A full run is the day's record (the README's table comes from the newest); a BENCH_ONLY subset is
// kept beside it under its own name, never tracked, so it cannot replace the full run.
const subset = env.BENCH_ONLY ? `.${[...only].join("+")}` : "";
const file = new URL(`${startedAt.toISOString().slice(0, 10)}${subset}.json`, dir);
writeFileSync(
  file,
  `${JSON.stringify(
    {
      at: startedAt.toISOString(),
      commit,
      machine,
      settings: {
        only: [...only],
        sizesMiB,
        runs: runs ?? "5 below 256 MiB, else 3",
        events,
        eventSizes,
        mails,
        files,
        durationSeconds,
      },
      rows: rows.map((row) => ({
        ...row,
        ratio: row.ratios.length > 0 ? median(row.ratios) : undefined,
        met: isMet(row),
      })),
      raw: Object.fromEntries(Object.entries(results).map(([name, r]) => [name, r.raw])),
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwritten to ${file.pathname}; README table: npx tsx bench/readme-table.ts`);
