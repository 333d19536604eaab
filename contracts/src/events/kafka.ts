import { setTimeout as sleep } from "node:timers/promises";
import { Kafka, logLevel, type Admin, type LogEntry, type SASLOptions, type logCreator } from "kafkajs";
import { assertTopicsExist } from "./topic-verification.js";

/** The part of a pino logger the Kafka client writes to. */
export type EventLogger = {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
};

export type KafkaSasl = {
  mechanism: "plain" | "scram-sha-256" | "scram-sha-512";
  username: string;
  password: string;
};

/** PEM contents; without `ca`, the system's trusted authorities verify the brokers. */
export type KafkaTls = { ca?: string; cert?: string; key?: string };

/** Where the cluster is and how to reach it: from KAFKA_* (see `kafkaEnv` in config). */
export type KafkaConnection = {
  brokers: readonly string[];
  ssl?: KafkaTls;
  sasl?: KafkaSasl;
};

/**
 * How new topics (and their dead-letter topics) are created. Unset replication settings take the
 * broker's defaults (default.replication.factor, min.insync.replicas). `managed: "external"`: the
 * topics are made outside (Strimzi KafkaTopics) and only checked, `partitions` being the least expected.
 */
export type TopicSettings = {
  managed?: "service" | "external";
  partitions: number;
  replicationFactor?: number;
  minInsyncReplicas?: number;
};

export const DEFAULT_PARTITIONS = 3;

export const DEFAULT_TOPIC_SETTINGS: TopicSettings = Object.freeze({ partitions: DEFAULT_PARTITIONS });

export type KafkaClientOptions = KafkaConnection & {
  clientId: string;
  logger: EventLogger;
  /**
   * Short connection and request timeouts for clients that must fail fast: no retry (probes), or
   * a few quick ones (the operator CLI, whose first requests may meet a coordinator not yet known).
   */
  failFast?: boolean | { retries: number };
};

function createLogCreator(logger: EventLogger): logCreator {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      const fields = { component: "kafkajs", ...extra };
      // Our producers bound their retries on purpose (an outbox relay must give its rows back
      // when Kafka is down; consumers deduplicate): this warning at every start is expected.
      if (message.startsWith("Limiting retries for the idempotent producer")) return logger.debug(fields, message);
      if (level === logLevel.ERROR) logger.error(fields, message);
      else if (level === logLevel.WARN) logger.warn(fields, message);
      else if (level === logLevel.INFO) logger.info(fields, message);
      else logger.debug(fields, message);
    };
}

export function createKafka({ clientId, brokers, ssl, sasl, logger, failFast = false }: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    ...(ssl && { ssl: { ...ssl } }),
    // kafkajs types each mechanism apart; the three take the same username and password.
    ...(sasl && { sasl: { ...sasl } as SASLOptions }),
    logLevel: logLevel.WARN,
    logCreator: createLogCreator(logger),
    ...(failFast && {
      connectionTimeout: 1000,
      requestTimeout: 2000,
      retry:
        failFast === true ? { retries: 0 } : { retries: failFast.retries, initialRetryTime: 100, maxRetryTime: 1000 },
    }),
  });
}

/** A pino-compatible logger that can carry per-message fields. */
export type Logger = EventLogger & { child(bindings: Record<string, unknown>): Logger };

const LEADERS_TIMEOUT_MS = 30_000;

/**
 * Waits until every partition of `topics` has a leader. Not kafkajs's `waitForLeaders`: on a
 * cluster, a broker that has not yet applied the new topic answers UNKNOWN_TOPIC_OR_PARTITION,
 * which that wait does not retry.
 */
async function untilLeadersElected(admin: Admin, topics: readonly string[]): Promise<void> {
  const deadline = Date.now() + LEADERS_TIMEOUT_MS;
  for (;;) {
    const outcome = await admin.fetchTopicMetadata({ topics: [...topics] }).then(
      (metadata) =>
        metadata.topics.length === topics.length &&
        metadata.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)),
      (error: unknown) => error,
    );
    if (outcome === true) return;
    if (Date.now() > deadline)
      throw new Error(`topics ${topics.join(", ")} have no leaders after ${LEADERS_TIMEOUT_MS} ms`, {
        cause: outcome,
      });
    await sleep(200);
  }
}

/**
 * Creates the topics that do not exist yet (idempotent; concurrent callers are fine), or, when
 * they are managed outside, throws MissingTopicsError unless each exists with enough partitions.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly string[],
  settings: TopicSettings = DEFAULT_TOPIC_SETTINGS,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (settings.managed === "external") return await assertTopicsExist(admin, topics, settings.partitions);
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await admin
      .createTopics({
        waitForLeaders: false,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: settings.partitions,
          ...(settings.replicationFactor !== undefined && { replicationFactor: settings.replicationFactor }),
          ...(settings.minInsyncReplicas !== undefined && {
            configEntries: [{ name: "min.insync.replicas", value: String(settings.minInsyncReplicas) }],
          }),
        })),
      })
      .catch((error: unknown) => {
        // Another instance created it between our list and create.
        if ((error as { type?: string }).type !== "TOPIC_ALREADY_EXISTS") throw error;
      });
    await untilLeadersElected(admin, missing);
  } finally {
    await admin.disconnect();
  }
}
