import {
  TrustedProxies,
  fieldKeysProblems,
  parseEnv,
  parseFieldKeys,
  parseTrustedProxies,
  type FieldKey,
} from "@coffer/contracts";
import Type, { type Static } from "typebox";

export { ConfigError } from "@coffer/contracts";

const EnvSchema = Type.Object({
  HOST: Type.String({ default: "127.0.0.1" }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3003 }),
  LOG_LEVEL: Type.Enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { default: "info" }),
  TRUSTED_PROXIES: TrustedProxies,
  DATABASE_URL: Type.String({ pattern: "^postgres(ql)?://" }),
  SMTP_URL: Type.String({ pattern: "^smtps?://" }),
  MAIL_FROM: Type.String({ minLength: 3, default: "Coffer <no-reply@coffer.localhost>" }),
  PUBLIC_BASE_URL: Type.String({ pattern: "^https?://", default: "http://127.0.0.1:8000" }),
  KAFKA_BROKERS: Type.String({ pattern: "^[^,\\s]+(,[^,\\s]+)*$" }),
  SCHEMA_REGISTRY_URL: Type.String({ pattern: "^https?://" }),
  CONSUMER_GROUP: Type.String({ minLength: 1, default: "notification-service" }),
  // Where a consumer group with no committed offsets starts: a new deployment reads the history.
  CONSUMER_FROM_BEGINNING: Type.Boolean({ default: true }),
  EVENT_ENCRYPTION_KEYS: Type.String({ minLength: 1 }),
  JWKS_URL: Type.String({ pattern: "^https?://" }),
  JWT_ISSUER: Type.String({ minLength: 1, default: "coffer" }),
  JWT_AUDIENCE: Type.String({ minLength: 1, default: "coffer-api" }),
  MAIL_RETRY_ATTEMPTS: Type.Integer({ minimum: 1, default: 12 }),
  MAIL_RETRY_MAX_DELAY_MS: Type.Integer({ minimum: 10, default: 30_000 }),
  SSE_HEARTBEAT_SECONDS: Type.Integer({ minimum: 1, default: 15 }),
  STREAMS_PER_CUSTOMER: Type.Integer({ minimum: 1, default: 5 }),
  STREAMS_PER_INSTANCE: Type.Integer({ minimum: 1, default: 2000 }),
  // How long a dead instance's streams still count against their customers' cap.
  STREAM_LEASE_SECONDS: Type.Integer({ minimum: 3, default: 60 }),
});

export type Config = Readonly<{
  host: string;
  port: number;
  logLevel: Static<typeof EnvSchema>["LOG_LEVEL"];
  trustedProxies: readonly string[];
  databaseUrl: string;
  smtpUrl: string;
  mailFrom: string;
  publicBaseUrl: string;
  kafkaBrokers: readonly string[];
  schemaRegistryUrl: string;
  consumerGroup: string;
  consumerFromBeginning: boolean;
  eventEncryptionKeys: readonly FieldKey[];
  jwt: Readonly<{ jwksUrl: string; issuer: string; audience: string }>;
  mailRetry: Readonly<{ attempts: number; maxDelayMs: number }>;
  heartbeatMs: number;
  streams: Readonly<{ perCustomer: number; perInstance: number; leaseMs: number }>;
}>;

/** Reads the service's configuration once; throws a ConfigError naming every missing or malformed key. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const e = parseEnv(EnvSchema, env, (v) => fieldKeysProblems("EVENT_ENCRYPTION_KEYS", v.EVENT_ENCRYPTION_KEYS));
  return Object.freeze({
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    trustedProxies: parseTrustedProxies(e.TRUSTED_PROXIES),
    databaseUrl: e.DATABASE_URL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/+$/, ""),
    kafkaBrokers: Object.freeze(e.KAFKA_BROKERS.split(",")),
    schemaRegistryUrl: e.SCHEMA_REGISTRY_URL.replace(/\/+$/, ""),
    consumerGroup: e.CONSUMER_GROUP,
    consumerFromBeginning: e.CONSUMER_FROM_BEGINNING,
    eventEncryptionKeys: parseFieldKeys(e.EVENT_ENCRYPTION_KEYS),
    jwt: Object.freeze({ jwksUrl: e.JWKS_URL, issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE }),
    mailRetry: Object.freeze({ attempts: e.MAIL_RETRY_ATTEMPTS, maxDelayMs: e.MAIL_RETRY_MAX_DELAY_MS }),
    heartbeatMs: e.SSE_HEARTBEAT_SECONDS * 1000,
    streams: Object.freeze({
      perCustomer: e.STREAMS_PER_CUSTOMER,
      perInstance: e.STREAMS_PER_INSTANCE,
      leaseMs: e.STREAM_LEASE_SECONDS * 1000,
    }),
  });
}
