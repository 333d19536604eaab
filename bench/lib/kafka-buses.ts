// The event bus's two operations — an idempotent acks=all producer, a group consumer from the
// beginning — on each Kafka client, configured as the client does that best, so one benchmark
// drives them alike.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createKafka } from "@coffer/contracts";
import {
  Consumer,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  ProduceAcks,
  Producer,
  stringDeserializer,
  stringSerializer,
} from "@platformatic/kafka";
import { Partitioners } from "kafkajs";
import { pino } from "pino";

/** A record as the bench sends it: `seq` and `sent-at` (epoch ms) ride in the headers. */
export type BusRecord = { key: string; value: Buffer; headers: Record<string, string> };

export type BusProducer = { send(topic: string, records: BusRecord[]): Promise<void>; close(): Promise<void> };

export type ConsumeOptions = {
  topic: string;
  groupId: string;
  onRecord(headers: Record<string, string | undefined>): void;
  /** What the client reports without throwing to a caller (a crashed consumer, a failed fetch). */
  onError(error: unknown): void;
};

export type Bus = {
  name: string;
  createProducer(): BusProducer;
  consume(options: ConsumeOptions): Promise<{ stop(): Promise<void> }>;
};

const require = createRequire(import.meta.url);

/** A package's version from its package.json, found above its entry point (not every package exports it). */
function versionOf(pkg: string): string {
  for (let dir = dirname(require.resolve(pkg)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version: string };
    if (manifest.name === pkg) return manifest.version;
  }
  throw new Error(`no package.json of ${pkg}`);
}

/** kafkajs exactly as contracts' event publisher and consumer runner configure it. */
export function createKafkajsBus(brokers: readonly string[]): Bus {
  const kafka = createKafka({ clientId: "bench-kafkajs", brokers, logger: pino({ level: "fatal" }) });
  return {
    name: `kafkajs ${versionOf("kafkajs")}`,
    createProducer() {
      const producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5000 },
      });
      const connected = producer.connect();
      // A producer made while the brokers are down: its send rejects, not the process.
      connected.catch(() => undefined);
      return {
        async send(topic, records) {
          await connected;
          await producer.send({ topic, acks: -1, messages: records });
        },
        close: () => producer.disconnect(),
      };
    },
    async consume({ topic, groupId, onRecord, onError }) {
      const consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, heartbeatInterval: 3000 });
      consumer.on(consumer.events.CRASH, ({ payload }) => onError(payload.error));
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        partitionsConsumedConcurrently: 3,
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            const headers: Record<string, string | undefined> = {};
            for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = value?.toString();
            onRecord(headers);
          }
        },
      });
      return { stop: () => consumer.disconnect() };
    },
  };
}

/** @platformatic/kafka: its idempotent producer (acks=all) and its stream consumer, autocommitting. */
export function createPlatformaticBus(brokers: readonly string[]): Bus {
  const common = { bootstrapBrokers: [...brokers] };
  return {
    name: `@platformatic/kafka ${versionOf("@platformatic/kafka")}`,
    createProducer() {
      const producer = new Producer<string, Buffer, string, string>({
        ...common,
        clientId: "bench-platformatic",
        retries: 5,
        retryDelay: 200,
        idempotent: true,
        acks: ProduceAcks.ALL,
        serializers: {
          key: stringSerializer,
          value: (value) => value,
          headerKey: stringSerializer,
          headerValue: stringSerializer,
        },
      });
      return {
        async send(topic, records) {
          await producer.send({ messages: records.map((record) => ({ ...record, topic })) });
        },
        close: () => producer.close(),
      };
    },
    async consume({ topic, groupId, onRecord, onError }) {
      const consumer = new Consumer<string, Buffer, string, string>({
        ...common,
        clientId: "bench-platformatic",
        // Spans the ~10 s a leader election takes after a kill -9, as kafkajs's retries do.
        retries: 10,
        retryDelay: 1000,
        groupId,
        sessionTimeout: 30_000,
        heartbeatInterval: 3000,
        deserializers: {
          key: stringDeserializer,
          value: (value) => value,
          headerKey: stringDeserializer,
          headerValue: stringDeserializer,
        },
      });
      consumer.on("error", onError);
      const stream = await consumer.consume({
        topics: [topic],
        autocommit: true,
        mode: MessagesStreamModes.COMMITTED,
        fallbackMode: MessagesStreamFallbackModes.EARLIEST,
      });
      stream.on("error", onError);
      stream.on("data", (message) => onRecord(Object.fromEntries(message.headers)));
      return {
        async stop() {
          await stream.close();
          await consumer.close(true);
        },
      };
    },
  };
}

/**
 * @confluentinc/kafka-javascript's KafkaJS-shaped API over librdkafka (linger 5 ms, its own
 * batching), or undefined when its native binding is not built: npm does not run its install
 * script here (package.json's allowScripts), as its prebuilt download and static build both fetch
 * from GitHub; `CKJS_LINKING=dynamic` builds it against the system's OpenSSL and zlib.
 */
export async function createConfluentBus(brokers: readonly string[]): Promise<Bus | undefined> {
  const loaded = await import("@confluentinc/kafka-javascript").catch(() => undefined);
  if (!loaded) return undefined;
  const { Kafka, logLevel } = loaded.KafkaJS;
  const kafka = new Kafka({
    kafkaJS: { clientId: "bench-confluent", brokers: [...brokers], logLevel: logLevel.NOTHING },
  });
  return {
    name: `@confluentinc/kafka-javascript ${versionOf("@confluentinc/kafka-javascript")} (librdkafka ${loaded.default.librdkafkaVersion})`,
    createProducer() {
      const producer = kafka.producer({ kafkaJS: { idempotent: true, acks: -1 }, "linger.ms": 5 });
      const connected = producer.connect();
      // A producer made while the brokers are down: its send rejects, not the process.
      connected.catch(() => undefined);
      return {
        async send(topic, records) {
          await connected;
          await producer.send({ topic, messages: records });
        },
        close: () => producer.disconnect(),
      };
    },
    async consume({ topic, groupId, onRecord, onError }) {
      const consumer = kafka.consumer({
        kafkaJS: { groupId, fromBeginning: true, sessionTimeout: 30_000, heartbeatInterval: 3000 },
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic] });
      consumer
        .run({
          partitionsConsumedConcurrently: 3,
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) {
              const headers: Record<string, string | undefined> = {};
              for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = value?.toString();
              onRecord(headers);
            }
          },
        })
        .catch(onError);
      return { stop: () => consumer.disconnect() };
    },
  };
}
