import { Kafka, logLevel, type LogEntry, type logCreator } from "kafkajs";

/** The part of a pino logger the Kafka client writes to. */
export type EventLogger = {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
};

export type KafkaClientOptions = {
  clientId: string;
  brokers: readonly string[];
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

export function createKafka({ clientId, brokers, logger, failFast = false }: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId,
    brokers: [...brokers],
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

export const DEFAULT_PARTITIONS = 3;

/** Creates the topics that do not exist yet (idempotent; concurrent callers are fine). */
export async function ensureTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await admin
      .createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: DEFAULT_PARTITIONS })),
      })
      .catch((error: unknown) => {
        // Another instance created it between our list and create.
        if ((error as { type?: string }).type !== "TOPIC_ALREADY_EXISTS") throw error;
      });
  } finally {
    await admin.disconnect();
  }
}
