import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createEventRegistry,
  createFieldCipher,
  isTopic,
  keyOf,
  parseFieldKeys,
  type AnyEvent,
  type EventMap,
  type Topic,
} from "@coffer/contracts";
import type { FastifyInstance } from "fastify";
import { Kafka, logLevel } from "kafkajs";
import mongoose from "mongoose";
import { vi } from "vitest";
import { buildApp } from "../src/app.js";
import { loadConfig, type Config } from "../src/config.js";

/** A configuration of its own for one test file: a fresh database and signing-key directory. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  const mongoUrl = new URL(process.env.MONGO_URL!);
  mongoUrl.pathname = `/test_${randomUUID().replaceAll("-", "")}`;
  return loadConfig({
    ...process.env,
    PORT: "0",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    MONGO_URL: mongoUrl.toString(),
    JWT_KEYS_DIR: mkdtempSync(join(tmpdir(), "coffer-jwt-")),
    JWT_GENERATE_KEY: "true",
    ...overrides,
  });
}

export async function startApp(config: Config): Promise<FastifyInstance> {
  return buildApp(config);
}

export async function dropDatabase(config: Config): Promise<void> {
  const connection = await mongoose.createConnection(config.mongoUrl).asPromise();
  await connection.dropDatabase();
  await connection.close();
}

export const cipher = createFieldCipher(parseFieldKeys(process.env.EVENT_ENCRYPTION_KEYS!));

type Received = { topic: Topic; event: AnyEvent; raw: Buffer };

/**
 * Reads what the customer topics receive from now on, decoded, so a test can assert which
 * events a request published.
 */
export async function createEventTap(topics: readonly Topic[]) {
  const kafka = new Kafka({
    clientId: "customer-service-test",
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

  const received: Received[] = [];
  const consumer = kafka.consumer({ groupId: `tap-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics] });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    for (const [topic, partitions] of ends) {
      for (const { partition, high } of partitions) consumer.seek({ topic, partition, offset: high });
    }
  });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const start = ends.get(topic as Topic)?.find((p) => p.partition === partition)?.high ?? "0";
      if (!isTopic(topic) || BigInt(message.offset) < BigInt(start) || !message.value) return;
      received.push({ topic, event: await registry.decode(topic, message.value), raw: message.value });
    },
  });

  return {
    /** Every event of the topic for the customer received so far. */
    of<T extends Topic>(topic: T, customerId: string): (EventMap[T] & { raw: Buffer })[] {
      return received
        .filter((r) => r.topic === topic && keyOf(r.event) === customerId)
        .map((r) => ({ ...(r.event as EventMap[T]), raw: r.raw }));
    },
    /** Waits for the customer's first event of the topic. */
    async next<T extends Topic>(topic: T, customerId: string): Promise<EventMap[T] & { raw: Buffer }> {
      return vi.waitFor(
        () => {
          const [event] = this.of(topic, customerId);
          if (!event) throw new Error(`no ${topic} event for ${customerId} yet`);
          return event;
        },
        { timeout: 20_000, interval: 50 },
      );
    },
    close: () => consumer.disconnect(),
  };
}

export type EventTap = Awaited<ReturnType<typeof createEventTap>>;

/** Registers, verifies through the token in the event, and logs in. */
export async function registerVerifiedCustomer(
  app: FastifyInstance,
  tap: EventTap,
  input: { email?: string; password?: string; displayName?: string } = {},
) {
  const email = input.email ?? `user-${randomUUID()}@example.com`;
  const password = input.password ?? "correct horse battery staple";
  const registered = await app.inject({
    method: "POST",
    url: "/auth/register",
    payload: { email, password, displayName: input.displayName ?? "Test User" },
  });
  if (registered.statusCode !== 201) throw new Error(`register answered ${registered.statusCode}: ${registered.body}`);
  const { id } = registered.json<{ id: string }>();
  const token = await verificationTokenOf(tap, id);
  const verified = await app.inject({ method: "POST", url: "/auth/verify-email", payload: { token, password } });
  if (verified.statusCode !== 204) throw new Error(`verify answered ${verified.statusCode}: ${verified.body}`);
  const login = await app.inject({ method: "POST", url: "/auth/login", payload: { email, password } });
  if (login.statusCode !== 200) throw new Error(`login answered ${login.statusCode}: ${login.body}`);
  const tokens = login.json<{ accessToken: string; refreshToken: string }>();
  return { id, email, password, ...tokens, auth: { authorization: `Bearer ${tokens.accessToken}` } };
}

export async function verificationTokenOf(tap: EventTap, customerId: string): Promise<string> {
  const topic = "customer.email-verification-requested.v1";
  const event = await tap.next(topic, customerId);
  return cipher.decrypt(event.token, `${topic}:${customerId}`);
}
