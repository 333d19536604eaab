import {
  Partitioners,
  type Consumer,
  type IHeaders,
  type Kafka,
  type KafkaMessage,
  type Offsets,
  type Producer,
} from "kafkajs";
import { AppError, PoisonRecordError, RegistryUnavailable } from "../errors.js";
import type { EventMap, Topic } from "../events/generated/events.js";
import { ensureTopics, type Logger, type TopicSettings } from "../events/kafka.js";
import { HEADERS } from "../events/publisher.js";
import type { EventRegistry } from "../events/registry.js";
import { recordFailure, traceRecord } from "../tracing/index.js";
import type { ServiceMetrics } from "../metrics/service-metrics.js";
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
  /**
   * Aborted when this consumer may lose the partition (its group rebalances) or stops: a handler
   * stops waiting and starts no effect another consumer could also run (a mail), and throws.
   */
  signal: AbortSignal;
};

export type EventHandler<T extends Topic, Db> = (event: EventMap[T], context: HandlerContext<Db>) => Promise<void>;

/** A record of a fetched batch, decoded. */
export type BatchRecord<T extends Topic> = { event: EventMap[T]; offset: string; headers: Record<string, string> };

export type BatchContext<Db> = Omit<HandlerContext<Db>, "offset" | "headers"> & {
  /** Runs one record's own effect (a mail) in the span of that record, a child of its producer's. */
  traceRecord: <R>(record: BatchRecord<Topic>, work: () => Promise<R>) => Promise<R>;
};

/**
 * A topic handled a fetched batch at a time: `handleBatch` gets one partition's records in
 * order, decoded, each event id once, on a connection outside any transaction (it opens its
 * own). Should it fail, the batch's records go one at a time through `handle`, with the
 * retries and dead letters of any record, so both must be idempotent.
 */
export type BatchHandlerSpec<T extends Topic, Db> = {
  handle: EventHandler<T, Db>;
  handleBatch: (records: BatchRecord<T>[], context: BatchContext<Db>) => Promise<void>;
  deduplicate: false;
};

/** A handler is deduplicated on the event id unless it opts out (for effects it dedupes itself). */
export type HandlerSpec<T extends Topic, Db> =
  EventHandler<T, Db> | { handle: EventHandler<T, Db>; deduplicate: false } | BatchHandlerSpec<T, Db>;

export type Handlers<Db> = { [T in Topic]?: HandlerSpec<T, Db> };

export type RetryPolicy = {
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /**
   * The longest a record's retries wait inside its handler. Beyond it the partition is paused
   * for the backoff and the record fetched again after: a handler never holds a rebalance up.
   */
  maxWaitInHandlerMs: number;
};

/** What happened to a record: handled (or dead-lettered), its partition paused, or given up on a rebalance or stop. */
type Outcome = "done" | "paused" | "aborted";

/** The consumer's membership between two group joins: aborted once a heartbeat says it is over. */
type Generation = { controller: AbortController; rebalance?: unknown };

// kafkajs's isRebalancing, plus the member the coordinator no longer knows (evicted).
const REBALANCE_ERRORS = new Set([
  "REBALANCE_IN_PROGRESS",
  "NOT_COORDINATOR_FOR_GROUP",
  "ILLEGAL_GENERATION",
  "UNKNOWN_MEMBER_ID",
]);
const isRebalancing = (error: unknown) => REBALANCE_ERRORS.has((error as { type?: string })?.type ?? "");

export type ConsumerRunner = {
  /** Resolves once the consumer has joined its group and been assigned partitions. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The topics its handlers consume. */
  readonly topics: readonly Topic[];
};

export function headersOf(message: Pick<KafkaMessage, "headers">): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? ({} as IHeaders))) {
    if (value === undefined) continue;
    result[name] = Array.isArray(value) ? String(value.at(-1)) : String(value);
  }
  return result;
}

/** A batch's record; its headers are read when asked for (most of a batch's records never are). */
function batchRecordOf<T extends Topic>(event: EventMap[T], message: KafkaMessage): BatchRecord<T> {
  let headers: Record<string, string> | undefined;
  return {
    event,
    offset: message.offset,
    get headers() {
      return (headers ??= headersOf(message));
    },
  };
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
 * A kafkajs consumer's fetch sizes for `perPartition` bytes of each partition: a fetch holds that
 * much of every partition handled at once (kafkajs's own `maxBytes` of 10 MiB would cut three
 * 4 MiB partitions short).
 */
export const fetchLimitsOf = (perPartition: number, concurrently: number) => ({
  maxBytesPerPartition: perPartition,
  maxBytes: Math.max(10 * 2 ** 20, concurrently * perPartition),
});

/**
 * Consumes the handlers' topics: decodes each record through the registry, runs its handler
 * in a transaction that also records the event id, retries transient failures with backoff
 * (partitions are consumed concurrently, so one partition's retries do not hold the others),
 * and sends poison records to `<topic>.dlq`, then moves on.
 *
 * The member stays in its group while it works: heartbeats go on during a handler, retries wait
 * in the handler at most `maxWaitInHandlerMs` (then the partition is paused, not the handler),
 * and a rebalance or stop aborts the handlers' signal, so they give their records back at once.
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
  /** The most a fetch brings of one partition (kafkajs's `maxBytesPerPartition`, 1 MiB by default). */
  fetchBytesPerPartition?: number;
  /** Without a heartbeat for this long the member is evicted (kafkajs's `sessionTimeout`). */
  sessionTimeoutMs?: number;
  metrics?: Pick<ServiceMetrics, "consumed">;
}): ConsumerRunner {
  const { kafka, registry, groupId, handlers, store } = options;
  const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
  const heartbeatInterval = Math.min(3000, Math.floor(sessionTimeout / 5));
  const policy: RetryPolicy = {
    attempts: 5,
    initialDelayMs: 200,
    maxDelayMs: 30_000,
    maxWaitInHandlerMs: Math.floor(sessionTimeout / 3),
    ...options.retry,
  };
  const logger = options.logger.child({ consumerGroup: groupId });
  const concurrently = options.partitionsConsumedConcurrently ?? 3;
  const fetchLimits = options.fetchBytesPerPartition ? fetchLimitsOf(options.fetchBytesPerPartition, concurrently) : {};
  const topics = Object.keys(handlers) as Topic[];
  let consumer: Consumer | undefined;
  let dlqProducer: Producer | undefined;
  let generation: Generation = { controller: new AbortController() };
  /** Attempts so far of records whose partition was paused; a retry counter, so memory is enough. */
  const attemptsOf = new Map<string, number>();
  const resumeTimers = new Set<NodeJS.Timeout>();
  /** The partitions whose starting position this member has committed since it last joined. */
  const positioned = new Set<string>();

  /** Heartbeats; a heartbeat refused because the group rebalances ends the generation. */
  async function beat(heartbeat: () => Promise<void>, current: Generation) {
    try {
      await heartbeat();
    } catch (error) {
      if (!isRebalancing(error) || current.controller.signal.aborted) return;
      current.rebalance = error;
      current.controller.abort(error);
    }
  }

  /**
   * Commits the offset a partition's first batch starts at, once per group join. kafkajs commits
   * only resolved records: a partition without a committed offset whose records all failed so
   * far would have none when another member takes it over, which then starts where the group
   * starts, at the end (`fromBeginning: false`), and never handles the records in between.
   * A commit refused because the group rebalances ends the generation, as a heartbeat's does.
   */
  async function commitStart(
    topic: string,
    partition: number,
    offset: string,
    commit: (offsets: Offsets) => Promise<void>,
    current: Generation,
  ) {
    const key = `${topic}:${partition}`;
    if (positioned.has(key)) return;
    try {
      await commit({ topics: [{ topic, partitions: [{ partition, offset }] }] });
      positioned.add(key);
    } catch (error) {
      if (!isRebalancing(error)) throw error;
      if (current.controller.signal.aborted) return;
      current.rebalance = error;
      current.controller.abort(error);
    }
  }

  /** Resolves true after `ms`, false as soon as `signal` aborts. */
  function wait(ms: number, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(false);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve(true);
      }, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    });
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

  /**
   * Runs a batch handler over the records of one fetch. "one-by-one" hands them to the one-record
   * path: a poison record, an outage or a failed statement is then retried, dead-lettered or
   * waited for alone, and the records before it are handled (again, idempotently) first.
   */
  async function handleAll(
    topic: Topic,
    partition: number,
    messages: KafkaMessage[],
    spec: BatchHandlerSpec<Topic, Db>,
    signal: AbortSignal,
  ): Promise<"done" | "one-by-one" | "aborted"> {
    const log = logger.child({ topic, partition, offsets: `${messages[0]!.offset}-${messages.at(-1)!.offset}` });
    const started = performance.now();
    try {
      const events = await registry.decodeAll(
        topic,
        messages.map((message) => message.value),
      );
      const records: BatchRecord<Topic>[] = [];
      const seen = new Set<string>();
      for (const [i, event] of events.entries()) {
        if (seen.has(event.eventId)) continue;
        seen.add(event.eventId);
        records.push(batchRecordOf(event, messages[i]!));
      }
      const traceOne = <R>({ offset, headers }: BatchRecord<Topic>, work: () => Promise<R>) =>
        traceRecord({ topic, partition, offset, headers, groupId }, work);
      await store.run((db) => spec.handleBatch(records, { db, log, topic, partition, signal, traceRecord: traceOne }));
      options.metrics?.consumed(topic, "processed", records.length);
      if (messages.length > records.length)
        options.metrics?.consumed(topic, "duplicate", messages.length - records.length);
      // One line a batch: the records' correlation ids are in their own lines only when they fail.
      log.info(
        {
          events: records.length,
          duplicates: messages.length - records.length,
          ms: Math.round(performance.now() - started),
        },
        "events handled",
      );
      return "done";
    } catch (error) {
      if (signal.aborted) return "aborted";
      log.warn({ err: error, events: messages.length }, "batch failed; its records are handled one at a time");
      return "one-by-one";
    }
  }

  async function handle(
    topic: Topic,
    partition: number,
    message: KafkaMessage,
    pause: () => () => void,
    signal: AbortSignal,
  ): Promise<Outcome> {
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
    const recordKey = `${topic}:${partition}:${message.offset}`;
    let waited = 0;
    const resumedAt = attemptsOf.get(recordKey) ?? 1;
    attemptsOf.delete(recordKey);

    for (let attempt = resumedAt; ; attempt += 1) {
      try {
        const started = performance.now();
        const event = await registry.decode(topic, message.value);
        const context = { log, topic, partition, offset: message.offset, headers, signal };
        const run = (db: Db) => handler(event, { db, ...context });
        if (!deduplicate) await store.run(run);
        else if (!(await store.runOnce(groupId, event.eventId, run))) {
          log.debug({ eventId: event.eventId }, "duplicate event skipped");
          options.metrics?.consumed(topic, "duplicate");
          return "done";
        }
        // The consumer's counterpart of a request log line: with the correlation id, an operator
        // follows one user action from the gateway through every service that reacted to it.
        log.info({ eventId: event.eventId, ms: Math.round(performance.now() - started) }, "event handled");
        options.metrics?.consumed(topic, "processed");
        return "done";
      } catch (error) {
        recordFailure(error);
        // Whoever owns the partition next handles the record again.
        if (signal.aborted) return "aborted";
        // The registry down is an outage, not a bad record: wait for it, however many attempts.
        const outage = error instanceof RegistryUnavailable;
        if (!outage && (isPoison(error, attempt) || attempt >= policy.attempts)) {
          log.error({ err: error, attempts: attempt }, "event dead-lettered");
          await deadLetter(topic, partition, message, error, attempt);
          options.metrics?.consumed(topic, "dead_lettered");
          return "done";
        }
        options.metrics?.consumed(topic, "retried");
        const delay = backoffDelay(policy, attempt);
        if (waited + delay > policy.maxWaitInHandlerMs) {
          attemptsOf.set(recordKey, attempt + 1);
          log.warn(
            { err: error, attempt, retryInMs: delay },
            "event handling failed; partition paused until the retry",
          );
          const resume = pause();
          const timer = setTimeout(() => {
            resumeTimers.delete(timer);
            resume();
          }, delay);
          resumeTimers.add(timer);
          return "paused";
        }
        log.warn({ err: error, attempt, retryInMs: delay }, "event handling failed; retrying");
        if (!(await wait(delay, signal))) return "aborted";
        waited += delay;
      }
    }
  }

  return {
    topics,
    async start() {
      generation = { controller: new AbortController() };
      await ensureTopics(kafka, [...topics, ...topics.map(dlqTopicOf)], options.topicSettings);
      // Not idempotent: kafkajs's idempotent producer refuses every send after a broker restart
      // (stale sequence numbers, see publisher.ts), which would stop this consumer for good. A
      // dead letter written twice is redriven once: consumers deduplicate on event ids.
      dlqProducer = kafka.producer({
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await dlqProducer.connect();
      consumer = kafka.consumer({ groupId, sessionTimeout, heartbeatInterval, ...fetchLimits });
      await consumer.connect();
      // kafkajs heard of the rebalance itself (a fetch, its own heartbeat): the handlers give up too.
      consumer.on(consumer.events.REBALANCING, () => generation.controller.abort(new Error("the group rebalances")));
      consumer.on(consumer.events.GROUP_JOIN, () => {
        if (generation.controller.signal.aborted) generation = { controller: new AbortController() };
        attemptsOf.clear();
        positioned.clear();
      });
      const joined = new Promise<void>((resolve) => {
        const remove = consumer!.on(consumer!.events.GROUP_JOIN, () => {
          remove();
          resolve();
        });
      });
      await consumer.subscribe({ topics, fromBeginning: options.fromBeginning ?? true });
      await consumer.run({
        partitionsConsumedConcurrently: concurrently,
        // Offsets are resolved here, record by record: one given back (paused, aborted) is fetched again.
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat, pause, isRunning, isStale, commitOffsetsIfNecessary }) => {
          const current = generation;
          const { signal } = current.controller;
          const keepAlive = setInterval(() => void beat(heartbeat, current), heartbeatInterval);
          try {
            const first = batch.messages[0];
            if (first && !signal.aborted) {
              await commitStart(batch.topic, batch.partition, first.offset, commitOffsetsIfNecessary, current);
            }
            const topic = batch.topic as Topic;
            const spec = handlers[topic] as HandlerSpec<Topic, Db>;
            const last = batch.messages.at(-1);
            // A record paused for a retry is resumed alone, with its attempts counted.
            const batchable =
              typeof spec !== "function" &&
              "handleBatch" in spec &&
              batch.messages.length > 1 &&
              !batch.messages.some((m) => attemptsOf.has(`${topic}:${batch.partition}:${m.offset}`));
            const whole =
              batchable && last && isRunning() && !isStale() && !signal.aborted
                ? await handleAll(topic, batch.partition, batch.messages, spec, signal)
                : "one-by-one";
            if (whole === "done") {
              resolveOffset(last!.offset);
              await beat(heartbeat, current);
              await commitOffsetsIfNecessary();
            }
            for (const message of whole === "one-by-one" ? batch.messages : []) {
              if (!isRunning() || isStale() || signal.aborted) break;
              const { offset, headers } = message;
              const record = { topic, partition: batch.partition, offset, headers, groupId };
              const outcome = await traceRecord(record, () => handle(topic, batch.partition, message, pause, signal));
              if (outcome !== "done") break;
              resolveOffset(message.offset);
              await beat(heartbeat, current);
              await commitOffsetsIfNecessary();
            }
          } finally {
            clearInterval(keepAlive);
          }
          // kafkajs rejoins the group when a batch ends with the rebalance it heard of.
          if (current.rebalance) throw current.rebalance;
        },
      });
      await joined;
    },
    async stop() {
      generation.controller.abort(new Error("the consumer is stopping"));
      for (const timer of resumeTimers) clearTimeout(timer);
      resumeTimers.clear();
      // kafkajs waits for the batches in hand (their handlers aborted), commits what was resolved, and leaves the group.
      await consumer?.disconnect();
      await dlqProducer?.disconnect();
    },
  };
}
