import { fieldKeysProblems, parseEnv, parseFieldKeys, type FieldKey } from "@coffer/contracts";
import Type, { type Static } from "typebox";

export { ConfigError } from "@coffer/contracts";

const EnvSchema = Type.Object({
  HOST: Type.String({ default: "127.0.0.1" }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3002 }),
  LOG_LEVEL: Type.Enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { default: "info" }),
  DATABASE_URL: Type.String({ pattern: "^postgres(ql)?://" }),
  MINIO_ENDPOINT: Type.String({ pattern: "^https?://[^/]+/?$" }),
  MINIO_ACCESS_KEY: Type.String({ minLength: 3 }),
  MINIO_SECRET_KEY: Type.String({ minLength: 8 }),
  MINIO_BUCKET: Type.String({ pattern: "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", default: "coffer-files" }),
  KAFKA_BROKERS: Type.String({ pattern: "^[^,\\s]+(,[^,\\s]+)*$" }),
  SCHEMA_REGISTRY_URL: Type.String({ pattern: "^https?://" }),
  CONSUMER_GROUP: Type.String({ minLength: 1, default: "file-service" }),
  CONSUMER_FROM_BEGINNING: Type.Boolean({ default: true }),
  JWKS_URL: Type.String({ pattern: "^https?://" }),
  JWT_ISSUER: Type.String({ minLength: 1, default: "coffer" }),
  JWT_AUDIENCE: Type.String({ minLength: 1, default: "coffer-api" }),
  DEFAULT_QUOTA_BYTES: Type.Integer({ minimum: 0, default: 10 * 2 ** 30 }),
  MAX_FILE_SIZE_BYTES: Type.Integer({ minimum: 1, default: 5 * 2 ** 30 }),
  MAX_VERSIONS: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
  TRASH_RETENTION_DAYS: Type.Integer({ minimum: 1, default: 30 }),
  EVENT_ENCRYPTION_KEYS: Type.String({ minLength: 1 }),
  PUBLIC_BASE_URL: Type.String({ pattern: "^https?://", default: "http://127.0.0.1:8000" }),
  SHARE_DEFAULT_DAYS: Type.Integer({ minimum: 1, default: 7 }),
  SHARE_MAX_DAYS: Type.Integer({ minimum: 1, default: 30 }),
  // Coffer mails links for its customers: these keep it from being anyone's mail relay.
  SHARE_MAX_RECIPIENTS: Type.Integer({ minimum: 0, maximum: 50, default: 10 }),
  SHARE_RECIPIENTS_PER_DAY: Type.Integer({ minimum: 0, default: 50 }),
  SHARES_PER_HOUR: Type.Integer({ minimum: 1, default: 30 }),
  SHARE_DOWNLOAD_STALL_SECONDS: Type.Integer({ minimum: 1, default: 60 }),
});

export type Config = Readonly<{
  host: string;
  port: number;
  logLevel: Static<typeof EnvSchema>["LOG_LEVEL"];
  databaseUrl: string;
  minio: Readonly<{
    endPoint: string;
    port: number;
    useSSL: boolean;
    accessKey: string;
    secretKey: string;
    bucket: string;
  }>;
  kafkaBrokers: readonly string[];
  schemaRegistryUrl: string;
  consumerGroup: string;
  consumerFromBeginning: boolean;
  jwt: Readonly<{ jwksUrl: string; issuer: string; audience: string }>;
  limits: Readonly<{
    defaultQuotaBytes: number;
    maxFileSizeBytes: number;
    maxVersions: number;
    trashRetentionDays: number;
  }>;
  eventEncryptionKeys: readonly FieldKey[];
  publicBaseUrl: string;
  shares: Readonly<{
    defaultDays: number;
    maxDays: number;
    /** Per share; per customer over a rolling 24 hours; shares per customer over a rolling hour. */
    maxRecipients: number;
    recipientsPerDay: number;
    perHour: number;
    /** A share download whose client takes nothing this long is ended (and what it did not take given back). */
    downloadStallSeconds: number;
  }>;
}>;

/** Reads the service's configuration once; throws a ConfigError naming every missing or malformed key. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const e = parseEnv(EnvSchema, env, (v) => fieldKeysProblems("EVENT_ENCRYPTION_KEYS", v.EVENT_ENCRYPTION_KEYS));
  const minioUrl = new URL(e.MINIO_ENDPOINT);
  const useSSL = minioUrl.protocol === "https:";
  return Object.freeze({
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    minio: Object.freeze({
      endPoint: minioUrl.hostname,
      port: minioUrl.port ? Number(minioUrl.port) : useSSL ? 443 : 80,
      useSSL,
      accessKey: e.MINIO_ACCESS_KEY,
      secretKey: e.MINIO_SECRET_KEY,
      bucket: e.MINIO_BUCKET,
    }),
    kafkaBrokers: Object.freeze(e.KAFKA_BROKERS.split(",")),
    schemaRegistryUrl: e.SCHEMA_REGISTRY_URL.replace(/\/+$/, ""),
    consumerGroup: e.CONSUMER_GROUP,
    consumerFromBeginning: e.CONSUMER_FROM_BEGINNING,
    jwt: Object.freeze({ jwksUrl: e.JWKS_URL, issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE }),
    limits: Object.freeze({
      defaultQuotaBytes: e.DEFAULT_QUOTA_BYTES,
      maxFileSizeBytes: e.MAX_FILE_SIZE_BYTES,
      maxVersions: e.MAX_VERSIONS,
      trashRetentionDays: e.TRASH_RETENTION_DAYS,
    }),
    eventEncryptionKeys: parseFieldKeys(e.EVENT_ENCRYPTION_KEYS),
    publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/+$/, ""),
    shares: Object.freeze({
      defaultDays: e.SHARE_DEFAULT_DAYS,
      maxDays: e.SHARE_MAX_DAYS,
      maxRecipients: e.SHARE_MAX_RECIPIENTS,
      recipientsPerDay: e.SHARE_RECIPIENTS_PER_DAY,
      perHour: e.SHARES_PER_HOUR,
      downloadStallSeconds: e.SHARE_DOWNLOAD_STALL_SECONDS,
    }),
  });
}
