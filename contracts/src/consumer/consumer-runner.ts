import { Partitioners, type Consumer, type IHeaders, type Kafka, type KafkaMessage, type Producer } from "kafkajs";
import { AppError, PoisonRecordError, RegistryUnavailable } from "../errors.js";
import type { EventMap, Topic } from "../events/generated/events.js";
import { ensureTopics, type Logger, type TopicSettings } from "../events/kafka.js";
import { HEADERS } from "../events/publisher.js";
import type { EventRegistry } from "../events/registry.js";
import type { IdempotencyStore } from "./pg-idempotency.js";

export const dlqTopicOf = (topic: string) => `${topic}.dlq`;

/** Headers a dead-lettered record carries besides its own, so it can be understood and redriven. */
export const DLQ_HEADERS = {
  originalTopic: "dlq-original-topic",
  originalPartition: "dlq-original-partition",
  originalOffset: "dlq-original-offset",
  originalTimestamp: "dlq-original-timestamp",
  consumerGroup: "dlq-consumer-group",
  errorClass: "dlq-error-class",
  errorMessage: "dlq-error-message",
  attempts: "dlq-attempts",
} as const;

export type HandlerContext<Db> = {
  db: Db;
  log: Logger;
  topic: Topic;
  partition: number;
  offset: string;
  headers: Record<string, string>;
};

export type EventHandler<T extends Topic, Db> = (event: EventMap[T], context: HandlerContext<Db>) => Promise<void>;

/** A handler is deduplicated on the event id unless it opts out (for effects it dedupes itself). */
export type HandlerSpec<T extends Topic, Db> =
  EventHandler<T, Db> | { handle: EventHandler<T, Db>; deduplicate: false };

export type Handlers<Db> = { [T in Topic]?: HandlerSpec<T, Db> };

export type RetryPolicy = { attempts: number; initialDelayMs: number; maxDelayMs: number };

export type ConsumerRunner = {
  /** Resolves once the consumer has joined its group and been assigned partitions. */
  start(): Promise<void>;
  stop(): Promise<void>;
};

export function headersOf(message: Pick<KafkaMessage, "headers">): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? ({} as IHeaders))) {
    if (value === undefined) continue;
    result[name] = Array.isArray(value) ? String(value.at(-1)) : String(value);
  }
  return result;
}

/** Exponential backoff with full jitter in its upper half: `attempt` starts at 1. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

function isPoison(error: unknown, attempt: number): boolean {
  if (error instanceof PoisonRecordError) return true;
  if (!(error instanceof AppError)) return false;
  return !error.retriable || (error.maxAttempts !== undefined && attempt >= error.maxAttempts);
}

/**
 * Consumes the handlers' topics: decodes each record through the registry, runs its handler
 * in a transaction that also records the event id, retries transient failures with backoff
 * (partitions are consumed concurrently, so one partition's retries do not hold the others),
 * and sends poison records to `<topic>.dlq`, then moves on.
 */
export function createConsumerRunner<Db>(options: {
  kafka: Kafka;
  registry: EventRegistry;
  groupId: string;
  logger: Logger;
  handlers: Handlers<Db>;
  /** How the handlers' topics and their dead-letter topics are created when missing. */
  topicSettings?: TopicSettings;
  store: IdempotencyStore<Db>;
  retry?: Partial<RetryPolicy>;
  fromBeginning?: boolean;
  partitionsConsumedConcurrently?: number;
}): ConsumerRunner {
  const { kafka, registry, groupId, handlers, store } = options;
  const policy: RetryPolicy = { attempts: 5, initialDelayMs: 200, maxDelayMs: 30_000, ...options.retry };
  const logger = options.logger.child({ consumerGroup: groupId });
  const topics = Object.keys(handlers) as Topic[];
  let consumer: Consumer | undefined;
  let dlqProducer: Producer | undefined;
  let stopping = false;
  const stopWaiters = new Set<() => void>();

  /** Waits, sending heartbeats so a long backoff does not cost the partition; ends early on stop. */
  async function pause(ms: number, heartbeat: () => Promise<void>): Promise<void> {
    const until = Date.now() + ms;
    while (!stopping && Date.now() < until) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(2000, until - Date.now()));
        function done() {
          clearTimeout(timer);
          stopWaiters.delete(done);
          resolve();
        }
        stopWaiters.add(done);
      });
      await heartbeat().catch(() => undefined);
    }
  }

  async function deadLetter(topic: string, partition: number, message: KafkaMessage, error: unknown, attempts: number) {
    const err = error as Error;
    await dlqProducer!.send({
      topic: dlqTopicOf(topic),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            [DLQ_HEADERS.originalTopic]: topic,
            [DLQ_HEADERS.originalPartition]: String(partition),
            [DLQ_HEADERS.originalOffset]: message.offset,
            [DLQ_HEADERS.originalTimestamp]: message.timestamp,
            [DLQ_HEADERS.consumerGroup]: groupId,
            [DLQ_HEADERS.errorClass]: err?.name ?? "Error",
            [DLQ_HEADERS.errorMessage]: String(err?.message ?? error).slice(0, 2000),
            [DLQ_HEADERS.attempts]: String(attempts),
          },
        },
      ],
    });
  }

  async function handle(topic: Topic, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>) {
    const headers = headersOf(message);
    const log = logger.child({
      correlationId: headers[HEADERS.correlationId],
      topic,
      partition,
      offset: message.offset,
    });
    const spec = handlers[topic] as HandlerSpec<Topic, Db>;
    const handler = typeof spec === "function" ? spec : spec.handle;
    const deduplicate = typeof spec === "function" || spec.deduplicate !== false;

    for (let attempt = 1; ; attempt += 1) {
      try {
        const started = performance.now();
        const event = await registry.decode(topic, message.value);
        const run = (db: Db) => handler(event, { db, log, topic, partition, offset: message.offset, headers });
        if (!deduplicate) await store.run(run);
        else if (!(await store.runOnce(groupId, event.eventId, run))) {
          log.debug({ eventId: event.eventId }, "duplicate event skipped");
          return;
        }
        // The consumer's counterpart of a request log line: with the correlation id, an operator
        // follows one user action from the gateway through every service that reacted to it.
        log.info({ eventId: event.eventId, ms: Math.round(performance.now() - started) }, "event handled");
        return;
      } catch (error) {
        // The registry down is an outage, not a bad record: wait for it, however many attempts.
        const outage = error instanceof RegistryUnavailable;
        if (!outage && (isPoison(error, attempt) || attempt >= policy.attempts)) {
          log.error({ err: error, attempts: attempt }, "event dead-lettered");
          await deadLetter(topic, partition, message, error, attempt);
          return;
        }
        // On shutdown the record stays uncommitted: whoever owns the partition next retries it.
        if (stopping) throw error;
        const delay = backoffDelay(policy, attempt);
        log.warn({ err: error, attempt, retryInMs: delay }, "event handling failed; retrying");
        await pause(delay, heartbeat);
        if (stopping) throw error;
      }
    }
  }

  return {
    async start() {
      stopping = false;
      await ensureTopics(kafka, [...topics, ...topics.map(dlqTopicOf)], options.topicSettings);
      // Not idempotent: kafkajs's idempotent producer refuses every send after a broker restart
      // (stale sequence numbers, see publisher.ts), which would stop this consumer for good. A
      // dead letter written twice is redriven once: consumers deduplicate on event ids.
      dlqProducer = kafka.producer({
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await dlqProducer.connect();
      consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, heartbeatInterval: 3000 });
      await consumer.connect();
      const joined = new Promise<void>((resolve) => {
        const remove = consumer!.on(consumer!.events.GROUP_JOIN, () => {
          remove();
          resolve();
        });
      });
      await consumer.subscribe({ topics, fromBeginning: options.fromBeginning ?? true });
      await consumer.run({
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
        eachMessage: ({ topic, partition, message, heartbeat }) =>
          handle(topic as Topic, partition, message, heartbeat),
      });
      await joined;
    },
    async stop() {
      stopping = true;
      for (const wake of stopWaiters) wake();
      // kafkajs lets the message in hand finish and commits its offset before leaving the group.
      await consumer?.disconnect();
      await dlqProducer?.disconnect();
    },
  };
}
