import { randomUUID } from "node:crypto";
import {
  createEvent,
  createEventPublisher,
  createEventRegistry,
  createKafka,
  createFieldCipher,
  keyOf,
  parseFieldKeys,
  serializeEvent,
  TOPICS,
  type EventPayload,
  type EventMap,
  type Topic,
} from "@coffer/contracts";
import { createTcpPath } from "@coffer/contracts/testing";
import type pg from "pg";
import { pino } from "pino";
import { vi } from "vitest";
import { loadConfig, type Config } from "../src/config.js";

export { createTestDatabase, createTokenIssuer, mailsTo, waitForMails } from "@coffer/contracts/testing";

export const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
export const cipher = createFieldCipher(parseFieldKeys(process.env.EVENT_ENCRYPTION_KEYS!));

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

/** Produces events as the other services' outbox relays do. */
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
