import Type, { type Static, type TObject } from "typebox";
import { fieldKeysProblems, parseFieldKeys } from "../events/field-encryption.js";
import { kafkaEnv, kafkaEnvProblems, kafkaSettings } from "./kafka-env.js";
import { TrustedProxies, parseEnv, parseTrustedProxies } from "./parse-env.js";

/**
 * The keys every service reads, to spread into its own schema beside its own keys:
 * `Type.Object({ ...serviceEnv({ port: 3002 }), DATABASE_URL: … })`.
 */
export function serviceEnv(defaults: { port: number }) {
  return {
    HOST: Type.String({ default: "127.0.0.1" }),
    PORT: Type.Integer({ minimum: 0, maximum: 65535, default: defaults.port }),
    LOG_LEVEL: Type.Enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { default: "info" }),
    TRUSTED_PROXIES: TrustedProxies,
    ...kafkaEnv(),
    SCHEMA_REGISTRY_URL: Type.String({ pattern: "^https?://" }),
    EVENT_ENCRYPTION_KEYS: Type.String({ minLength: 1 }),
    JWT_ISSUER: Type.String({ minLength: 1, default: "coffer" }),
    JWT_AUDIENCE: Type.String({ minLength: 1, default: "coffer-api" }),
    // The gateway's address as people reach it: links in mails and pages, the only Origin forms come from.
    PUBLIC_BASE_URL: Type.String({ pattern: "^https?://", default: "http://127.0.0.1:8000" }),
    // GET /metrics on a listener of its own, never routed by the gateway; 0: none.
    METRICS_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 0 }),
    METRICS_HOST: Type.Optional(Type.String({ minLength: 1 })),
  };
}

/** The keys of a service that consumes events, with its own consumer group. */
export function consumerEnv(defaults: { group: string }) {
  return {
    CONSUMER_GROUP: Type.String({ minLength: 1, default: defaults.group }),
    // Where a consumer group with no committed offsets starts: a new deployment reads the history.
    CONSUMER_FROM_BEGINNING: Type.Boolean({ default: true }),
    // Without a heartbeat for this long, the broker evicts the member and gives its partitions away.
    CONSUMER_SESSION_TIMEOUT_MS: Type.Integer({ minimum: 6000, maximum: 300_000, default: 30_000 }),
    // The longest a failing record's retries wait in its handler; beyond it its partition is paused.
    CONSUMER_MAX_WAIT_IN_HANDLER_MS: Type.Integer({ minimum: 0, default: 10_000 }),
    // The most a fetch brings of one partition, so the most a batch handler gets at once: larger
    // batches mean fewer fetches and statements behind a backlog (kafkajs's default is 1 MiB).
    CONSUMER_FETCH_BYTES_PER_PARTITION: Type.Integer({ minimum: 65_536, maximum: 64 * 2 ** 20, default: 4 * 2 ** 20 }),
  };
}

type ConsumerEnv = Partial<Static<TObject<ReturnType<typeof consumerEnv>>>>;

function consumerProblems({
  CONSUMER_SESSION_TIMEOUT_MS: session,
  CONSUMER_MAX_WAIT_IN_HANDLER_MS: wait,
}: ConsumerEnv) {
  return session !== undefined && wait !== undefined && wait >= session
    ? ["CONSUMER_MAX_WAIT_IN_HANDLER_MS: must be below CONSUMER_SESSION_TIMEOUT_MS"]
    : [];
}

type ServiceEnv = Static<TObject<ReturnType<typeof serviceEnv>>>;

/**
 * Reads a service's schema (one that spreads `serviceEnv`) from the environment; throws a
 * ConfigError naming every missing or malformed key, EVENT_ENCRYPTION_KEYS' entries and the
 * Kafka settings that only make sense together included.
 */
export function parseServiceEnv<S extends TObject<ReturnType<typeof serviceEnv>>>(
  schema: S,
  env: Record<string, string | undefined>,
): Static<S> {
  return parseEnv(schema, env, (value) => [
    ...fieldKeysProblems("EVENT_ENCRYPTION_KEYS", (value as ServiceEnv).EVENT_ENCRYPTION_KEYS),
    ...kafkaEnvProblems(value as ServiceEnv),
    ...consumerProblems(value as ConsumerEnv),
  ]);
}

/** The settings every service has, from `serviceEnv`'s keys; JWT_* are the service's to shape. */
export function serviceSettings(env: ServiceEnv) {
  return {
    host: env.HOST,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    trustedProxies: parseTrustedProxies(env.TRUSTED_PROXIES),
    /** The Kafka client's connection (brokers, TLS, SASL) and how topics are created. */
    kafka: kafkaSettings(env),
    schemaRegistryUrl: env.SCHEMA_REGISTRY_URL.replace(/\/+$/, ""),
    eventEncryptionKeys: parseFieldKeys(env.EVENT_ENCRYPTION_KEYS),
    publicBaseUrl: env.PUBLIC_BASE_URL.replace(/\/+$/, ""),
    /** Where GET /metrics listens (port 0: it does not). */
    metrics: { host: env.METRICS_HOST ?? env.HOST, port: env.METRICS_PORT },
  };
}

/** The keys of a PostgreSQL service about its schema. */
export function migrationEnv() {
  return {
    // Whether the service applies its own migrations at start (tests, one instance); otherwise the
    // migrate command runs them once before the services start, and a service refuses a schema that
    // lacks one of its migrations.
    MIGRATE_ON_START: Type.Boolean({ default: false }),
  };
}

const MigrationEnvSchema = Type.Object({
  DATABASE_URL: Type.Optional(Type.String({ pattern: "^postgres(ql)?://" })),
  // The migrate command's connection, straight to PostgreSQL when the services go through a pooler.
  MIGRATION_DATABASE_URL: Type.Optional(Type.String({ pattern: "^postgres(ql)?://" })),
});

/** Where the migrate command connects: MIGRATION_DATABASE_URL, else DATABASE_URL; a ConfigError when neither is set. */
export function parseMigrationUrl(env: Record<string, string | undefined>): string {
  const e = parseEnv(MigrationEnvSchema, env, (value) =>
    value.MIGRATION_DATABASE_URL || value.DATABASE_URL ? [] : ["MIGRATION_DATABASE_URL: is required (or DATABASE_URL)"],
  );
  return (e.MIGRATION_DATABASE_URL ?? e.DATABASE_URL)!;
}
