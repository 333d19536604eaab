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
  /** Connection and request timeouts, and retries, for clients that must fail fast (probes). */
  failFast?: boolean;
};

function createLogCreator(logger: EventLogger): logCreator {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      const fields = { component: "kafkajs", ...extra };
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
    ...(failFast && { connectionTimeout: 1000, requestTimeout: 2000, retry: { retries: 0 } }),
  });
}
