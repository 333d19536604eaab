import { randomBytes } from "node:crypto";
import { Partitioners, type Kafka, type Message, type Producer } from "kafkajs";
import { deserializeEvent, isTopic } from "./events.js";
import { ensureTopics, type TopicSettings } from "./kafka.js";
import type { EventRegistry } from "./registry.js";
import { withPublishSpans } from "../tracing/index.js";

/** An event as the outboxes keep it until it is published: the Avro JSON of the whole record. */
export type PendingEvent = {
  eventId: string;
  topic: string;
  key: string;
  payload: string;
  headers: Record<string, string>;
};

export const HEADERS = {
  eventType: "event-type",
  correlationId: "correlation-id",
  traceparent: "traceparent",
} as const;

/**
 * Headers an operator's replay adds to each copied record (coffer-ops). A consumer repeats an
 * effect it has already had only when `resend` is "true", and then once per replay id.
 */
export const REPLAY_HEADERS = {
  id: "x-replay-id",
  replayedAt: "x-replayed-at",
  count: "x-replay-count",
  resend: "x-replay-resend",
} as const;

/** A W3C trace context for an event that starts a trace of its own. */
export function newTraceparent(): string {
  return `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-01`;
}

export type EventPublisher = {
  /** Publishes in order, all or nothing as far as the caller knows: on error nothing may be marked sent. */
  publish(events: readonly PendingEvent[]): Promise<void>;
  close(): Promise<void>;
};

/**
 * The only way events reach Kafka: an idempotent producer with acks from every in-sync replica,
 * one request in flight so a retry cannot reorder one customer's events. It creates a topic it
 * is the first to write (brokers run with auto-creation off) with `topics`' settings.
 */
export function createEventPublisher(kafka: Kafka, registry: EventRegistry, topics?: TopicSettings): EventPublisher {
  const ensured = new Set<string>();
  const createProducer = () =>
    kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      // Bounded, so a relay holding claimed rows gives them back when Kafka is down.
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5000 },
    });
  let session: { producer: Producer; connected: Promise<void> } | undefined;

  /**
   * A failed send ends the producer: after a broker dies mid-request, kafkajs's idempotent
   * producer keeps sequence numbers the restarted broker refuses (OUT_OF_ORDER_SEQUENCE_NUMBER,
   * UNKNOWN_PRODUCER_ID) on every later send. The next publish starts a new producer id; what
   * the failed send may have written is written again, and consumers deduplicate on event ids.
   */
  function discard(failed: NonNullable<typeof session>) {
    if (session === failed) session = undefined;
    failed.producer.disconnect().catch(() => undefined);
  }

  return withPublishSpans({
    async publish(events) {
      if (events.length === 0) return;
      const byTopic = new Map<string, Message[]>();
      for (const pending of events) {
        if (!isTopic(pending.topic)) throw new Error(`unknown topic ${pending.topic}`);
        const value = await registry.encode(pending.topic, deserializeEvent(pending.topic, pending.payload));
        const messages = byTopic.get(pending.topic) ?? [];
        messages.push({ key: pending.key, value, headers: pending.headers });
        byTopic.set(pending.topic, messages);
      }
      const missing = [...byTopic.keys()].filter((topic) => !ensured.has(topic));
      if (missing.length > 0) {
        await ensureTopics(kafka, missing, topics);
        for (const topic of missing) ensured.add(topic);
      }
      if (!session) {
        const producer = createProducer();
        session = { producer, connected: producer.connect() };
      }
      const current = session;
      try {
        await current.connected;
        await current.producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
      } catch (error) {
        discard(current);
        throw error;
      }
    },
    async close() {
      const current = session;
      session = undefined;
      if (current) await current.producer.disconnect();
    },
  });
}
