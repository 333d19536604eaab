import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  HEADERS,
  TOPICS,
  createEvent,
  createEventRegistry,
  type EventMap,
  type EventPayload,
  type OpsAuditV1,
  type Topic,
} from "@coffer/contracts";
import { Kafka, Partitioners, logLevel, type IHeaders, type KafkaMessage } from "kafkajs";
import { vi } from "vitest";
import { main } from "../ops/src/cli.js";

export const brokers = process.env.KAFKA_BROKERS!.split(",");
export const registryUrl = process.env.SCHEMA_REGISTRY_URL!;
export const registry = createEventRegistry(registryUrl);
export const kafka = new Kafka({ clientId: "ops-test", brokers, logLevel: logLevel.NOTHING });
export const uniqueId = (prefix: string) => `${prefix}-${randomUUID()}`;

/** A state directory of its own (replay checkpoints) for one test file. */
export const stateHome = mkdtempSync(join(tmpdir(), "coffer-ops-test-"));

export type OpsRun = { code: number; stdout: string; stderr: string; json<T = Record<string, unknown>>(): T };

/** Runs the CLI in this process, as `coffer-ops <argv>`, with its output captured. */
export async function ops(...argv: string[]): Promise<OpsRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(
    argv,
    { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } },
    { ...process.env, XDG_STATE_HOME: stateHome },
  );
  return { code, stdout, stderr, json: <T>() => JSON.parse(stdout) as T };
}

const bin = fileURLToPath(new URL("../ops/bin/coffer-ops.js", import.meta.url));

/** Runs the built CLI as a process: what an operator runs. */
export function spawnOps(argv: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [bin, ...argv], {
    env: { ...process.env, XDG_STATE_HOME: stateHome, ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d));
  child.stderr.on("data", (d: Buffer) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>(
    (resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exited, output: () => ({ stdout, stderr }) };
}

export async function createTopic(prefix: string, partitions = 3): Promise<string> {
  const topic = uniqueId(`ops-test.${prefix}`);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await admin.disconnect();
  return topic;
}

export const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });

/** Produces catalogue events (Avro through the registry, standard headers) into any topic. */
export async function produceEvents<T extends Topic>(
  topic: string,
  eventTopic: T,
  payloads: EventPayload<T>[],
  options: { key?: (event: EventMap[T]) => string; headers?: IHeaders; partition?: number } = {},
): Promise<EventMap[T][]> {
  const events = payloads.map((p) =>
    createEvent(eventTopic, p, { correlationId: uniqueId("ops"), producer: "ops-test" }),
  );
  await producer.send({
    topic,
    acks: -1,
    messages: await Promise.all(
      events.map(async (event) => ({
        key: options.key ? options.key(event) : ((event as { customerId?: string }).customerId ?? null),
        value: await registry.encode(eventTopic, event),
        headers: {
          [HEADERS.eventType]: eventTopic,
          [HEADERS.correlationId]: event.correlationId,
          [HEADERS.traceparent]: `00-${"1".repeat(32)}-${"2".repeat(16)}-01`,
          ...options.headers,
        },
        ...(options.partition !== undefined && { partition: options.partition }),
      })),
    ),
  });
  return events;
}

export type ReadRecord = KafkaMessage & { partition: number };

/** Every record of the topic from its start, once at least `count` are there. */
export async function readAll(topic: string, count: number, timeout = 20_000): Promise<ReadRecord[]> {
  const consumer = kafka.consumer({ groupId: uniqueId("ops-test-reader"), maxWaitTimeInMs: 500 });
  const records: ReadRecord[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ eachMessage: async ({ partition, message }) => void records.push({ ...message, partition }) });
  try {
    await vi.waitFor(
      () => {
        if (records.length < count) throw new Error(`${records.length} of ${count} records in ${topic}`);
      },
      { timeout, interval: 100 },
    );
  } finally {
    await consumer.disconnect();
  }
  return records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

/** The committed offsets of a group on a topic, by partition ("-1": none). */
export async function committed(groupId: string, topic: string): Promise<Record<number, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Object.fromEntries(offsets!.partitions.map((p) => [p.partition, p.offset]));
  } finally {
    await admin.disconnect();
  }
}

/** Where the audit topic ends now (nothing when it does not exist yet): audits are read from there. */
export async function auditEnd(): Promise<Map<number, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(TOPICS.opsAudit)) return new Map();
    return new Map((await admin.fetchTopicOffsets(TOPICS.opsAudit)).map((p) => [p.partition, p.high]));
  } finally {
    await admin.disconnect();
  }
}

/** The audit records of one action after `from`, once its `started` and final record are there. */
export async function auditOf(actionId: string, from: Map<number, string>): Promise<OpsAuditV1[]> {
  const consumer = kafka.consumer({ groupId: uniqueId("ops-test-audit"), maxWaitTimeInMs: 500 });
  const found: OpsAuditV1[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [TOPICS.opsAudit], fromBeginning: true });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    for (const [partition, offset] of from) consumer.seek({ topic: TOPICS.opsAudit, partition, offset });
  });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.headers?.[HEADERS.correlationId]?.toString() !== actionId) return;
      const record = await registry.decode(TOPICS.opsAudit, message.value);
      // A fetch from the start may come before the seek: the same record twice.
      if (!found.some((r) => r.eventId === record.eventId)) found.push(record);
    },
  });
  try {
    await vi.waitFor(
      () => {
        if (!found.some((r) => r.phase === "completed" || r.phase === "failed")) throw new Error("not audited yet");
      },
      { timeout: 20_000, interval: 100 },
    );
  } finally {
    await consumer.disconnect();
  }
  return found;
}
