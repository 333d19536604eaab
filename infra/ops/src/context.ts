import { createEventRegistry, createKafka, type EventLogger } from "@coffer/contracts";
import type { Admin, Kafka } from "kafkajs";
import { createAuditLog, type AuditLog } from "./audit/audit-log.js";
import type { Config } from "./config.js";
import type { Io } from "./output.js";
import { createRecordViewer, type RecordViewer } from "./records/record-view.js";

/** What every command is given: the clients, opened on first use and closed by `close()`. */
export type OpsContext = {
  config: Config;
  io: Io;
  json: boolean;
  kafka: Kafka;
  admin(): Promise<Admin>;
  viewer(options: { showPii: boolean }): RecordViewer;
  audit: AuditLog;
  close(): Promise<void>;
};

/**
 * kafkajs logs every retry and reconnection; the operator sees our one-line error instead, and
 * kafkajs's own errors only with --verbose.
 */
function createKafkaLogger(io: Io, verbose: boolean): EventLogger {
  const write = (level: string) => (fields: object, message: string) => {
    if (verbose)
      io.stderr.write(`kafkajs ${level}: ${message}${"broker" in fields ? ` (${String(fields.broker)})` : ""}\n`);
  };
  return { debug: () => undefined, info: () => undefined, warn: write("warn"), error: write("error") };
}

export function createOpsContext(options: {
  config: Config;
  io: Io;
  json: boolean;
  verbose: boolean;
  argv: readonly string[];
}): OpsContext {
  const { config, io } = options;
  // Short timeouts and few retries: an operator learns within seconds that Kafka is down.
  const kafka = createKafka({
    clientId: "coffer-ops",
    ...config.kafka,
    logger: createKafkaLogger(io, options.verbose),
    failFast: { retries: 2 },
  });
  let admin: Promise<Admin> | undefined;
  const connectAdmin = () => {
    admin ??= (async () => {
      const client = kafka.admin();
      await client.connect();
      return client;
    })();
    return admin;
  };
  const registry = createEventRegistry(config.registryUrl);
  const audit = createAuditLog({ kafka, admin: connectAdmin, registry, config, argv: options.argv });

  return {
    config,
    io,
    json: options.json,
    kafka,
    admin: connectAdmin,
    viewer: (viewOptions) => createRecordViewer(config.registryUrl, viewOptions),
    audit,
    async close() {
      await audit.close();
      if (admin) await (await admin.catch(() => undefined))?.disconnect();
    },
  };
}
