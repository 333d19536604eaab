// The event bus on each Kafka client, side by side on one 3-broker cluster of the benchmark's own
// (topics of 3 partitions, RF 3, min.insync.replicas 2; idempotent producers, acks=all):
// produce and consume throughput and end-to-end latency in interleaved pairs (kafkajs, then the
// other, per pair), then, once per client, drill 1 and drill 8.8 on the bus alone — the busiest
// leader killed (-9) and brought back, then two of three brokers down and brought back — while
// records flow as the outbox relay sends them: retried until acknowledged.
import { randomBytes, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { createKafka, ensureTopics } from "@coffer/contracts";
import { pino } from "pino";
import {
  createConfluentBus,
  createKafkajsBus,
  createPlatformaticBus,
  type Bus,
  type BusProducer,
  type BusRecord,
} from "./lib/kafka-buses.js";
import { KAFKA_NODES, startKafkaCluster, type KafkaCluster } from "./lib/kafka-cluster.js";
import { median, percentile, round, type BenchResult, type Row } from "./lib/report.js";

export type KafkaClientsOptions = {
  /** Records per throughput run. */
  records: number;
  pairs: number;
  /** Records per second in the latency runs and the fault scenario. */
  rate: number;
  latencySeconds: number;
  /** The cluster's first port: its three nodes take port … port + 5. */
  port: number;
};

const RECORD_BYTES = 1024;
const BATCH = 1000;
const TOPIC_SETTINGS = { partitions: 3, replicationFactor: 3, minInsyncReplicas: 2 };

const value = randomBytes(RECORD_BYTES);
const recordOf = (seq: number): BusRecord => ({
  key: `customer-${seq % 64}`,
  value,
  headers: { seq: String(seq), "sent-at": String(Date.now()) },
});

export async function runKafkaClients(options: KafkaClientsOptions): Promise<BenchResult> {
  const cluster = await startKafkaCluster({ port: options.port });
  const kafka = createKafka({ clientId: "bench-admin", brokers: cluster.brokers, logger: pino({ level: "fatal" }) });
  const newTopic = async (what: string) => {
    const topic = `bench-kafka-clients-${what}-${randomUUID().slice(0, 8)}`;
    await ensureTopics(kafka, [topic], TOPIC_SETTINGS);
    return topic;
  };
  const confluent = await createConfluentBus(cluster.brokers);
  if (!confluent) console.log("  @confluentinc/kafka-javascript: its native binding is not built, left out");
  const [baseline, ...subjects] = [
    createKafkajsBus(cluster.brokers),
    createPlatformaticBus(cluster.brokers),
    ...(confluent ? [confluent] : []),
  ];
  try {
    const runs: Record<string, PairedRun[]> = {};
    for (let pair = 0; pair < options.pairs; pair += 1) {
      for (const bus of [baseline!, ...subjects]) {
        console.log(`  ${bus.name}: throughput and latency, pair ${pair + 1} of ${options.pairs}`);
        (runs[bus.name] ??= []).push(await pairedRun(bus, newTopic, options));
      }
    }
    const faults: Record<string, FaultRun> = {};
    for (const bus of [baseline!, ...subjects]) {
      console.log(`  ${bus.name}: leader killed, then two of three brokers down`);
      faults[bus.name] = await faultRun(bus, baseline!, cluster, kafka, await newTopic("faults"), options.rate);
    }
    return {
      rows: subjects.flatMap((subject) => rowsOf(baseline!.name, subject.name, runs, faults, options)),
      raw: { options, runs, faults },
    };
  } finally {
    await cluster.stop();
  }
}

type PairedRun = {
  produceRecordsPerSecond: number;
  consumeRecordsPerSecond: number;
  latency: { p50Ms: number; p99Ms: number; maxMs: number; samples: number };
};

async function pairedRun(
  bus: Bus,
  newTopic: (what: string) => Promise<string>,
  { records, rate, latencySeconds }: KafkaClientsOptions,
): Promise<PairedRun> {
  const topic = await newTopic("throughput");
  const producer = bus.createProducer();
  const produceStart = performance.now();
  for (let seq = 0; seq < records; seq += BATCH) {
    await producer.send(
      topic,
      Array.from({ length: Math.min(BATCH, records - seq) }, (_, i) => recordOf(seq + i)),
    );
  }
  const produceSeconds = (performance.now() - produceStart) / 1000;

  let consumed = 0;
  let allConsumed!: () => void;
  const done = new Promise<void>((resolve) => (allConsumed = resolve));
  const consumeStart = performance.now();
  const consumer = await bus.consume({
    topic,
    groupId: `bench-${randomUUID()}`,
    onRecord: () => {
      consumed += 1;
      if (consumed === records) allConsumed();
    },
    onError: () => undefined,
  });
  await done;
  const consumeSeconds = (performance.now() - consumeStart) / 1000;
  await consumer.stop();

  const latencyTopic = await newTopic("latency");
  const latencies: number[] = [];
  const latencyConsumer = await bus.consume({
    topic: latencyTopic,
    groupId: `bench-${randomUUID()}`,
    onRecord: (headers) => latencies.push(Date.now() - Number(headers["sent-at"])),
    onError: () => undefined,
  });
  // Made at a fixed rate and sent as the outbox relay sends: whatever is waiting, one send at a
  // time (an idempotent @platformatic/kafka producer refuses overlapping sends with
  // OUT_OF_ORDER_SEQUENCE_NUMBER). The first second (connections, the group's first fetch) is
  // not measured.
  const total = rate * latencySeconds;
  const waiting: BusRecord[] = [];
  let made = 0;
  const start = performance.now();
  const maker = (async () => {
    for (; made < total; made += 1) {
      await sleep(start + (made * 1000) / rate - performance.now());
      waiting.push(recordOf(made));
    }
  })();
  while (made < total || waiting.length > 0) {
    if (waiting.length === 0) await sleep(1);
    else await producer.send(latencyTopic, waiting.splice(0, 100));
  }
  await maker;
  const deadline = Date.now() + 30_000;
  while (latencies.length < total && Date.now() < deadline) await sleep(50);
  await latencyConsumer.stop();
  await producer.close();
  const measured = latencies.slice(rate);
  return {
    produceRecordsPerSecond: round(records / produceSeconds, 0),
    consumeRecordsPerSecond: round(records / consumeSeconds, 0),
    latency: {
      p50Ms: percentile(measured, 0.5),
      p99Ms: percentile(measured, 0.99),
      maxMs: Math.max(...measured),
      samples: measured.length,
    },
  };
}

type Phase = "steady" | "leader killed" | "leader back" | "two down" | "all back";

type FaultRun = {
  killedLeader: string;
  phases: { phase: Phase; atMs: number }[];
  produced: number;
  acknowledged: number;
  /** Acknowledged, and not in the topic when a fresh consumer of the reference client reads it. */
  lost: number;
  /** The lost records by the phase their send was acknowledged in. */
  lostByPhase: Partial<Record<Phase, number>>;
  /** Acknowledged and in the topic, but never handed to this client's consumer (it stalled for good). */
  undelivered: number;
  duplicated: number;
  failedSends: number;
  /** Distinct errors a send rejected with, and how many times, per phase. */
  sendErrors: Record<string, Record<string, number>>;
  consumerErrors: Record<string, number>;
  /** The longest a send took before it answered (resolved or rejected). */
  longestSendMs: number;
  /** The longest no record was acknowledged, per phase. */
  producerStallMs: Partial<Record<Phase, number>>;
  /** The longest an acknowledged record waited to be consumed, by the phase it was acknowledged in. */
  consumerWaitMs: Partial<Record<Phase, number>>;
  /** From "all back" (the restarted brokers answering) to the first acknowledged send. */
  recoveredAfterMs: number | undefined;
};

const SEND_GUARD_MS = 60_000;

/**
 * Records are made at `rate` and sent in batches of up to 100 as the outbox relay sends them: a
 * batch is retried until acknowledged, 200 ms after a failure, on a new producer (what contracts'
 * publisher does; every client gets the same treatment).
 */
async function faultRun(
  bus: Bus,
  reference: Bus,
  cluster: KafkaCluster,
  kafka: ReturnType<typeof createKafka>,
  topic: string,
  rate: number,
): Promise<FaultRun> {
  const admin = kafka.admin();
  await admin.connect();
  const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  await admin.disconnect();
  const leads = new Map<number, number>();
  for (const p of metadata!.partitions) leads.set(p.leader, (leads.get(p.leader) ?? 0) + 1);
  const leader = `kafka-${[...leads].sort((a, b) => b[1] - a[1])[0]![0]}`;
  const others = KAFKA_NODES.filter((node) => node !== leader);

  const start = performance.now();
  const now = () => performance.now() - start;
  let phase = "steady" as Phase;
  const phases: FaultRun["phases"] = [{ phase, atMs: 0 }];
  const enter = (next: Phase) => {
    phase = next;
    phases.push({ phase, atMs: round(now(), 0) });
  };

  const acknowledgedAt = new Map<number, { atMs: number; phase: Phase }>();
  const received = new Map<number, number>();
  const consumerWaitMs: FaultRun["consumerWaitMs"] = {};
  const consumerErrors: Record<string, number> = {};
  const consumer = await bus.consume({
    topic,
    groupId: `bench-${randomUUID()}`,
    onRecord: (headers) => {
      const seq = Number(headers.seq);
      received.set(seq, (received.get(seq) ?? 0) + 1);
      const acked = acknowledgedAt.get(seq);
      // A record may arrive before its send answers (the ack lost in the kill): it waited 0.
      const waited = acked ? now() - acked.atMs : 0;
      if (acked) consumerWaitMs[acked.phase] = Math.max(consumerWaitMs[acked.phase] ?? 0, round(waited, 0));
    },
    onError: (error) => {
      const key = describe(error);
      consumerErrors[key] = (consumerErrors[key] ?? 0) + 1;
    },
  });

  let produced = 0;
  let producing = true;
  let failedSends = 0;
  let longestSendMs = 0;
  let lastAckMs = 0;
  let recoveredAfterMs: number | undefined;
  const sendErrors: FaultRun["sendErrors"] = {};
  const producerStallMs: FaultRun["producerStallMs"] = {};
  const pending: number[] = [];
  const maker = (async () => {
    while (producing) {
      const due = Math.floor((now() / 1000) * rate);
      while (produced < due) pending.push(produced++);
      await sleep(10);
    }
  })();
  const relay = (async () => {
    let producer: BusProducer = bus.createProducer();
    while (producing || pending.length > 0) {
      if (pending.length === 0) {
        await sleep(5);
        continue;
      }
      const batch = pending.slice(0, 100);
      const sentAt = now();
      const outcome = await Promise.race([
        producer.send(topic, batch.map(recordOf)).then(
          () => undefined,
          (error: unknown) => error ?? new Error("rejected without an error"),
        ),
        sleep(SEND_GUARD_MS).then(() => new Error(`no answer within ${SEND_GUARD_MS} ms`)),
      ]);
      const answeredAt = now();
      longestSendMs = Math.max(longestSendMs, round(answeredAt - sentAt, 0));
      if (outcome === undefined) {
        pending.splice(0, batch.length);
        for (const seq of batch) acknowledgedAt.set(seq, { atMs: answeredAt, phase });
        producerStallMs[phase] = Math.max(producerStallMs[phase] ?? 0, round(answeredAt - lastAckMs, 0));
        lastAckMs = answeredAt;
        if (phase === "all back" && recoveredAfterMs === undefined)
          recoveredAfterMs = round(answeredAt - phases.at(-1)!.atMs, 0);
        continue;
      }
      failedSends += 1;
      const byError = (sendErrors[phase] ??= {});
      byError[describe(outcome)] = (byError[describe(outcome)] ?? 0) + 1;
      const failed = producer;
      failed.close().catch(() => undefined);
      producer = bus.createProducer();
      await sleep(200);
    }
    await producer.close().catch(() => undefined);
  })();

  await sleep(5000);
  enter("leader killed");
  await cluster.infra("kill", leader);
  await sleep(15_000);
  await cluster.infra("up", leader);
  enter("leader back");
  await sleep(10_000);
  enter("two down");
  await cluster.infra("kill", ...others);
  await sleep(15_000);
  await cluster.infra("up", ...others);
  enter("all back");
  await sleep(10_000);
  producing = false;
  await maker;
  await relay;
  const deadline = Date.now() + 60_000;
  while ([...acknowledgedAt.keys()].some((seq) => !received.has(seq)) && Date.now() < deadline) await sleep(200);
  await consumer.stop().catch((error: unknown) => {
    const key = `on close: ${describe(error)}`;
    consumerErrors[key] = (consumerErrors[key] ?? 0) + 1;
  });

  const stored = new Set<number>();
  const missing = () => [...acknowledgedAt.keys()].filter((seq) => !stored.has(seq));
  const reader = await reference.consume({
    topic,
    groupId: `bench-${randomUUID()}`,
    onRecord: (headers) => stored.add(Number(headers.seq)),
    onError: () => undefined,
  });
  const readDeadline = Date.now() + 30_000;
  while (missing().length > 0 && Date.now() < readDeadline) await sleep(200);
  await reader.stop();
  const lost = missing().length;
  const lostByPhase: FaultRun["lostByPhase"] = {};
  for (const seq of missing()) {
    const { phase: ackedIn } = acknowledgedAt.get(seq)!;
    lostByPhase[ackedIn] = (lostByPhase[ackedIn] ?? 0) + 1;
  }
  const undelivered = [...acknowledgedAt.keys()].filter((seq) => stored.has(seq) && !received.has(seq)).length;
  const duplicated = [...received.values()].reduce((sum, count) => sum + count - 1, 0);
  return {
    killedLeader: leader,
    phases,
    produced,
    acknowledged: acknowledgedAt.size,
    lost,
    lostByPhase,
    undelivered,
    duplicated,
    failedSends,
    sendErrors,
    consumerErrors,
    longestSendMs,
    producerStallMs,
    consumerWaitMs,
    recoveredAfterMs,
  };
}

/** An error's name, its code (kafkajs `type`, platformatic `code`) and the protocol errors under it. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { type, code } = error as { type?: string; code?: string };
  const apiIds = new Set<string>();
  const collect = (e: unknown) => {
    const nested = e as { apiId?: string; errors?: unknown[]; cause?: unknown };
    if (nested.apiId) apiIds.add(nested.apiId);
    nested.errors?.forEach(collect);
    if (nested.cause) collect(nested.cause);
  };
  collect(error);
  const codes = [type ?? code, ...apiIds].filter(Boolean).join(" ");
  return `${error.name}${codes ? ` ${codes}` : ""}: ${error.message.slice(0, 100)}`;
}

function rowsOf(
  baseline: string,
  subject: string,
  runs: Record<string, PairedRun[]>,
  faults: Record<string, FaultRun>,
  { records, rate }: KafkaClientsOptions,
): Row[] {
  const a = runs[baseline]!;
  const b = runs[subject]!;
  const paired = (figure: (run: PairedRun) => number, higherIsBetter: boolean) =>
    a.map((run, i) => round(higherIsBetter ? figure(b[i]!) / figure(run) : figure(run) / figure(b[i]!)));
  const figures = (figure: (run: PairedRun) => number, unit: string) =>
    `${baseline} ${median(a.map(figure))} ${unit}, ${subject} ${median(b.map(figure))} ${unit} (medians)`;
  const fault = (name: string) => {
    const f = faults[name]!;
    return (
      `${name}: ${f.acknowledged}/${f.produced} acked, ${f.lost} lost, ${f.undelivered} never consumed, ` +
      `${f.duplicated} duplicated, ` +
      `${f.failedSends} failed sends, longest send ${f.longestSendMs} ms, ` +
      `consumer waited ≤ ${f.consumerWaitMs["leader killed"] ?? "—"} ms (leader killed), ` +
      `back ${f.recoveredAfterMs ?? "never"} ms after two brokers returned`
    );
  };
  return [
    {
      what: `produce ${records} × 1 KiB, batches of ${BATCH}, idempotent, acks=all (${subject} ÷ ${baseline} records/s)`,
      baseline,
      ratios: paired((run) => run.produceRecordsPerSecond, true),
      context: figures((run) => run.produceRecordsPerSecond, "records/s"),
    },
    {
      what: `consume ${records} × 1 KiB from the beginning, group consumer (${subject} ÷ ${baseline} records/s)`,
      baseline,
      ratios: paired((run) => run.consumeRecordsPerSecond, true),
      context: figures((run) => run.consumeRecordsPerSecond, "records/s"),
    },
    {
      what: `end-to-end latency p50 at ${rate} records/s (${baseline} ÷ ${subject}: > 1 is ${subject} faster)`,
      baseline,
      ratios: paired((run) => run.latency.p50Ms, false),
      context: figures((run) => run.latency.p50Ms, "ms"),
    },
    {
      what: `end-to-end latency p99 at ${rate} records/s (${baseline} ÷ ${subject})`,
      baseline,
      ratios: paired((run) => run.latency.p99Ms, false),
      context: figures((run) => run.latency.p99Ms, "ms"),
    },
    {
      what: `leader killed (-9) and back, then two of three brokers down and back, ${rate} records/s`,
      baseline: "—",
      ratios: [],
      context: `${fault(baseline)}; ${fault(subject)}`,
    },
  ];
}
