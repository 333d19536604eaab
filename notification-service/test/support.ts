import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import {
  createEvent,
  createEventPublisher,
  createEventRegistry,
  createKafka,
  createFieldCipher,
  createTcpPath,
  keyOf,
  parseFieldKeys,
  serializeEvent,
  TOPICS,
  type EventPayload,
  type EventMap,
  type Topic,
} from "@coffer/contracts";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import pg from "pg";
import { pino } from "pino";
import { vi } from "vitest";
import { loadConfig, type Config } from "../src/config.js";

export const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
export const cipher = createFieldCipher(parseFieldKeys(process.env.EVENT_ENCRYPTION_KEYS!));

/** A database of its own for one test file. */
export async function createTestDatabase(): Promise<{ url: string; pool: pg.Pool; drop(): Promise<void> }> {
  const adminUrl = process.env.PG_ADMIN_URL!;
  const name = `test_${randomUUID().replaceAll("-", "")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  const pool = new pg.Pool({ connectionString: url });
  pool.on("error", () => undefined);
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * Issues access tokens the way customer-service does (RS256, kid, iss, aud) and publishes the
 * JWKS over HTTP, so the service verifies them through its real remote-JWKS verifier.
 */
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

/** A TCP relay to the real MailHog that a test can cut and restore: an SMTP outage for this service only. */
export const createSmtpPath = () => createTcpPath(new URL(process.env.SMTP_URL!));

export function testConfig(overrides: Record<string, string>): Config {
  return loadConfig({
    ...process.env,
    PORT: "0",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    CONSUMER_GROUP: `notification-test-${randomUUID()}`,
    CONSUMER_FROM_BEGINNING: "false",
    PUBLIC_BASE_URL: "https://coffer.example",
    MAIL_RETRY_ATTEMPTS: "40",
    MAIL_RETRY_MAX_DELAY_MS: "500",
    ...overrides,
  });
}

/** Produces events as the other services' outbox relays do. */
/**
 * A new consumer group starts at the end of the topics once it has fetched: publishes markers
 * until the service has projected one.
 */
export async function untilConsuming(events: ReturnType<typeof createEventSource>, pool: pg.Pool): Promise<void> {
  await vi.waitFor(
    async () => {
      const marker = await events.publish(TOPICS.customerRegistered, {
        customerId: randomUUID(),
        email: "marker@example.com",
        displayName: "Marker",
        locale: "en",
      });
      await vi.waitFor(
        async () => {
          const { rowCount } = await pool.query("SELECT 1 FROM customers WHERE id = $1", [marker.customerId]);
          if (rowCount !== 1) throw new Error("marker not consumed yet");
        },
        { timeout: 1500, interval: 100 },
      );
    },
    { timeout: 30_000, interval: 0 },
  );
}

export function createEventSource() {
  const kafka = createKafka({ clientId: "notification-test", brokers: process.env.KAFKA_BROKERS!.split(","), logger });
  const publisher = createEventPublisher(kafka, createEventRegistry(process.env.SCHEMA_REGISTRY_URL!));
  return {
    async publish<T extends Topic>(
      topic: T,
      payload: EventPayload<T>,
      headers: Record<string, string> = {},
    ): Promise<EventMap[T]> {
      const event = createEvent(topic, payload, { correlationId: `test-${randomUUID()}`, producer: "test" });
      await this.republish(topic, event, headers);
      return event;
    },
    /** The same event again, as a redelivery or an operator's replay would bring it. */
    async republish<T extends Topic>(topic: T, event: EventMap[T], headers: Record<string, string> = {}) {
      await publisher.publish([
        {
          eventId: event.eventId,
          topic,
          key: keyOf(event),
          payload: serializeEvent(topic, event),
          headers: { "event-type": topic, "correlation-id": event.correlationId, ...headers },
        },
      ]);
    },
    close: () => publisher.close(),
  };
}

type MailHogMessage = {
  ID: string;
  Content: { Headers: Record<string, string[]>; Body: string };
  MIME: { Parts: { Headers: Record<string, string[]>; Body: string }[] } | null;
};

/** Every message MailHog holds for the address. */
export async function mailsTo(address: string): Promise<{ subject: string; text: string; html: string }[]> {
  const url = new URL("/api/v2/search", process.env.MAILHOG_API_URL);
  url.search = new URLSearchParams({ kind: "to", query: address, limit: "50" }).toString();
  const { items } = (await (await fetch(url)).json()) as { items: MailHogMessage[] };
  return items.map((m) => {
    const part = (type: string) =>
      decodeQuotedPrintable(m.MIME?.Parts.find((p) => p.Headers["Content-Type"]?.[0]?.startsWith(type))?.Body ?? "");
    return {
      subject: decodeHeader(m.Content.Headers.Subject?.[0] ?? ""),
      text: part("text/plain"),
      html: part("text/html"),
    };
  });
}

export async function waitForMails(address: string, count: number) {
  return vi.waitFor(
    async () => {
      const mails = await mailsTo(address);
      if (mails.length < count) throw new Error(`${mails.length} of ${count} mails to ${address}`);
      return mails;
    },
    { timeout: 20_000, interval: 100 },
  );
}

function decodeQuotedPrintable(body: string): string {
  const bytes = body
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

function decodeHeader(value: string): string {
  // RFC 2047: whitespace between two encoded words is not part of the text.
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_, encoding: string, text: string) =>
      encoding.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : decodeQuotedPrintable(text.replace(/_/g, " ")),
    );
}
