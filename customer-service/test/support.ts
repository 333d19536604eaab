import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFieldCipher, parseFieldKeys, type EventMap, type Topic } from "@coffer/contracts";
import { createEventTap as createKitEventTap } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import mongoose from "mongoose";
import { buildApp } from "../src/app.js";
import { loadConfig, type Config } from "../src/config.js";

/**
 * The kit's event tap as this service's tests read it: `next` waits for the customer's first event
 * of the topic, and each event carries the bytes Kafka carried (`raw`).
 */
export async function createEventTap(topics: readonly Topic[]) {
  const tap = await createKitEventTap(topics);
  const of = <T extends Topic>(topic: T, customerId: string): (EventMap[T] & { raw: Buffer })[] => {
    const raw = tap.rawOf(topic, customerId);
    return tap.of(topic, customerId).map((event, i) => ({ ...event, raw: raw[i]! }));
  };
  return {
    of,
    async next<T extends Topic>(topic: T, customerId: string): Promise<EventMap[T] & { raw: Buffer }> {
      await tap.next(topic, customerId);
      return of(topic, customerId)[0]!;
    },
    close: tap.close,
  };
}

export type EventTap = Awaited<ReturnType<typeof createEventTap>>;

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
  return cipher.decrypt(event!.token, `${topic}:${customerId}`);
}
