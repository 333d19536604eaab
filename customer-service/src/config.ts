import { fieldKeysProblems, parseEnv, parseFieldKeys, type FieldKey } from "@coffer/contracts";
import Type, { type Static } from "typebox";

export { ConfigError } from "@coffer/contracts";

const EnvSchema = Type.Object({
  HOST: Type.String({ default: "127.0.0.1" }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3001 }),
  LOG_LEVEL: Type.Enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { default: "info" }),
  MONGO_URL: Type.String({ pattern: "^mongodb(\\+srv)?://" }),
  KAFKA_BROKERS: Type.String({ pattern: "^[^,\\s]+(,[^,\\s]+)*$" }),
  SCHEMA_REGISTRY_URL: Type.String({ pattern: "^https?://" }),
  EVENT_ENCRYPTION_KEYS: Type.String({ minLength: 1 }),
  JWT_ISSUER: Type.String({ minLength: 1, default: "coffer" }),
  JWT_AUDIENCE: Type.String({ minLength: 1, default: "coffer-api" }),
  JWT_KEYS_DIR: Type.String({ minLength: 1 }),
  JWT_GENERATE_KEY: Type.Boolean({ default: false }),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 3600, default: 900 }),
  REFRESH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 3600, default: 30 * 24 * 3600 }),
  ADMIN_EMAILS: Type.String({ default: "" }),
  TRUST_PROXY: Type.Boolean({ default: false }),
  LOGIN_MAX_FAILURES: Type.Integer({ minimum: 1, default: 5 }),
  LOGIN_MAX_FAILURES_PER_CLIENT: Type.Integer({ minimum: 1, default: 50 }),
  LOGIN_LOCK_MAX_SECONDS: Type.Integer({ minimum: 1, default: 900 }),
  // The gateway's address as people reach it: the only Origin the pages accept forms from.
  PUBLIC_BASE_URL: Type.String({ pattern: "^https?://", default: "http://127.0.0.1:8000" }),
});

export type Config = Readonly<{
  host: string;
  port: number;
  logLevel: Static<typeof EnvSchema>["LOG_LEVEL"];
  mongoUrl: string;
  kafkaBrokers: readonly string[];
  schemaRegistryUrl: string;
  eventEncryptionKeys: readonly FieldKey[];
  jwt: Readonly<{ issuer: string; audience: string; keysDir: string; generateKey: boolean; accessTtlSeconds: number }>;
  refreshTtlSeconds: number;
  adminEmails: ReadonlySet<string>;
  trustProxy: boolean;
  loginThrottle: Readonly<{ maxFailures: number; maxFailuresPerClient: number; maxLockSeconds: number }>;
  publicBaseUrl: string;
}>;

/** Reads the service's configuration once; throws a ConfigError naming every missing or malformed key. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const e = parseEnv(EnvSchema, env, (v) => fieldKeysProblems("EVENT_ENCRYPTION_KEYS", v.EVENT_ENCRYPTION_KEYS));
  return Object.freeze({
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    mongoUrl: e.MONGO_URL,
    kafkaBrokers: Object.freeze(e.KAFKA_BROKERS.split(",")),
    schemaRegistryUrl: e.SCHEMA_REGISTRY_URL.replace(/\/+$/, ""),
    eventEncryptionKeys: parseFieldKeys(e.EVENT_ENCRYPTION_KEYS),
    jwt: Object.freeze({
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      keysDir: e.JWT_KEYS_DIR,
      generateKey: e.JWT_GENERATE_KEY,
      accessTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    }),
    refreshTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
    adminEmails: new Set(
      e.ADMIN_EMAILS.split(",")
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    ),
    trustProxy: e.TRUST_PROXY,
    loginThrottle: Object.freeze({
      maxFailures: e.LOGIN_MAX_FAILURES,
      maxFailuresPerClient: e.LOGIN_MAX_FAILURES_PER_CLIENT,
      maxLockSeconds: e.LOGIN_LOCK_MAX_SECONDS,
    }),
    publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/+$/, ""),
  });
}
