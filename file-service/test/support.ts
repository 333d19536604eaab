import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { createEventRegistry, isTopic, keyOf, type AnyEvent, type EventMap, type Topic } from "@coffer/contracts";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import { Kafka, logLevel } from "kafkajs";
import * as Minio from "minio";
import { vi } from "vitest";
import { loadConfig, type Config } from "../src/config.js";

export { createTestDatabase } from "./database.js";

/** Issues access tokens the way customer-service does and serves their JWKS over HTTP. */
export async function createTokenIssuer() {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "RS256", use: "sig" };
  const server: Server = createServer((_, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    token: (customerId: string, roles: string[] = ["user"], sessionId: string = randomUUID()) =>
      new SignJWT({ roles, sid: sessionId })
        .setProtectedHeader({ alg: "RS256", kid: "test-key" })
        .setIssuer("coffer")
        .setAudience("coffer-api")
        .setSubject(customerId)
        .setIssuedAt()
        .setExpirationTime("10m")
        .sign(privateKey),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function testConfig(overrides: Record<string, string>): Config {
  return loadConfig({
    ...process.env,
    PORT: "0",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    MINIO_BUCKET: `test-${randomUUID()}`,
    CONSUMER_GROUP: `file-test-${randomUUID()}`,
    CONSUMER_FROM_BEGINNING: "false",
    ...overrides,
  });
}

export function minioOf(config: Config) {
  const { bucket, ...options } = config.minio;
  const client = new Minio.Client(options);
  return {
    client,
    async keys(prefix: string): Promise<string[]> {
      const keys: string[] = [];
      for await (const item of client.listObjectsV2(bucket, prefix, true)) keys.push((item as { name: string }).name);
      return keys;
    },
    async removeBucket() {
      const all: string[] = [];
      for await (const item of client.listObjectsV2(bucket, "", true)) all.push((item as { name: string }).name);
      if (all.length > 0) await client.removeObjects(bucket, all);
      await client.removeBucket(bucket).catch(() => undefined);
    },
  };
}

/** Reads what the topics receive from now on, decoded. */
export async function createEventTap(topics: readonly Topic[]) {
  const kafka = new Kafka({
    clientId: "file-service-test",
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
  const received: { topic: Topic; event: AnyEvent }[] = [];
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
      received.push({ topic, event: await registry.decode(topic, message.value) });
    },
  });
  return {
    of<T extends Topic>(topic: T, customerId: string): EventMap[T][] {
      return received
        .filter((r) => r.topic === topic && keyOf(r.event) === customerId)
        .map((r) => r.event as EventMap[T]);
    },
    async next<T extends Topic>(topic: T, customerId: string, count = 1): Promise<EventMap[T][]> {
      return vi.waitFor(
        () => {
          const events = this.of(topic, customerId);
          if (events.length < count) throw new Error(`${events.length} of ${count} ${topic} events`);
          return events;
        },
        { timeout: 20_000, interval: 50 },
      );
    },
    close: () => consumer.disconnect(),
  };
}
