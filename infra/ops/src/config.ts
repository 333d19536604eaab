import { homedir, hostname, userInfo } from "node:os";
import { join } from "node:path";
import type { KafkaConnection, TopicSettings } from "@coffer/contracts";
import { kafkaEnv, kafkaEnvProblems, kafkaSettings, parseEnv } from "@coffer/contracts/config";
import Type from "typebox";

/** `make dev`'s metrics listeners (infra/bin/platform.mjs METRICS_PORTS). */
const DEFAULT_METRICS_URLS = [9101, 9102, 9103].map((port) => `http://127.0.0.1:${port}/metrics`);

const EnvSchema = Type.Object({
  ...kafkaEnv(),
  SCHEMA_REGISTRY_URL: Type.String({ pattern: "^https?://" }),
  XDG_STATE_HOME: Type.Optional(Type.String({ minLength: 1 })),
  // Every service instance's GET /metrics, comma-separated, for `status`.
  COFFER_METRICS_URLS: Type.Optional(Type.String({ minLength: 1 })),
});

export type Config = Readonly<{
  brokers: readonly string[];
  /** The brokers with TLS and SASL, as the services reach them. */
  kafka: KafkaConnection;
  /** How the audit topic is replicated (KAFKA_REPLICATION_FACTOR, KAFKA_MIN_INSYNC_REPLICAS). */
  topics: TopicSettings;
  registryUrl: string;
  /** Where resumable replays keep their checkpoints. */
  stateDir: string;
  operator: string;
  host: string;
  /** What `status` scrapes; default `make dev`'s listeners. */
  metricsUrls: readonly string[];
}>;

/** Options that override the environment. */
export type ConfigOverrides = { brokers?: string; registry?: string; operator?: string; metrics?: string };

/** The CLI's configuration; throws a ConfigError naming every missing or malformed key. */
export function loadConfig(overrides: ConfigOverrides, env: Record<string, string | undefined> = process.env): Config {
  const e = parseEnv(
    EnvSchema,
    {
      ...env,
      ...(overrides.brokers !== undefined && { KAFKA_BROKERS: overrides.brokers }),
      ...(overrides.registry !== undefined && { SCHEMA_REGISTRY_URL: overrides.registry }),
    },
    kafkaEnvProblems,
  );
  const kafka = kafkaSettings(e);
  return Object.freeze({
    brokers: kafka.connection.brokers,
    kafka: kafka.connection,
    topics: kafka.topics,
    registryUrl: e.SCHEMA_REGISTRY_URL.replace(/\/+$/, ""),
    stateDir: join(e.XDG_STATE_HOME ?? join(homedir(), ".local", "state"), "coffer-ops"),
    operator: overrides.operator ?? userInfo().username,
    host: hostname(),
    metricsUrls: (overrides.metrics ?? e.COFFER_METRICS_URLS)?.split(",").filter(Boolean) ?? DEFAULT_METRICS_URLS,
  });
}
