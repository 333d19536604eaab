import {
  consumerEnv,
  migrationEnv,
  parseMigrationUrl,
  parseServiceEnv,
  serviceEnv,
  serviceSettings,
} from "@coffer/contracts/config";
import Type from "typebox";

export { ConfigError } from "@coffer/contracts/config";

const EnvSchema = Type.Object({
  ...serviceEnv({ port: 3003 }),
  ...consumerEnv({ group: "notification-service" }),
  ...migrationEnv(),
  DATABASE_URL: Type.String({ pattern: "^postgres(ql)?://" }),
  // LISTEN needs a session of its own: straight to PostgreSQL when DATABASE_URL is a pooler (PgBouncer).
  DATABASE_LISTEN_URL: Type.Optional(Type.String({ pattern: "^postgres(ql)?://" })),
  SMTP_URL: Type.String({ pattern: "^smtps?://" }),
  MAIL_FROM: Type.String({ minLength: 3, default: "Coffer <no-reply@coffer.localhost>" }),
  JWKS_URL: Type.String({ pattern: "^https?://" }),
  MAIL_RETRY_ATTEMPTS: Type.Integer({ minimum: 1, default: 12 }),
  MAIL_RETRY_MAX_DELAY_MS: Type.Integer({ minimum: 10, default: 30_000 }),
  // How long an instance's claim on a mail holds: longer than a send can take (the mailer gives up within 30 s).
  MAIL_CLAIM_SECONDS: Type.Integer({ minimum: 40, default: 60 }),
  SSE_HEARTBEAT_SECONDS: Type.Integer({ minimum: 1, default: 15 }),
  STREAMS_PER_CUSTOMER: Type.Integer({ minimum: 1, default: 5 }),
  STREAMS_PER_INSTANCE: Type.Integer({ minimum: 1, default: 2000 }),
  // How long a dead instance's streams still count against their customers' cap.
  STREAM_LEASE_SECONDS: Type.Integer({ minimum: 3, default: 60 }),
});

export type Config = ReturnType<typeof loadConfig>;

/** Reads the service's configuration once; throws a ConfigError naming every missing or malformed key. */
export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const e = parseServiceEnv(EnvSchema, env);
  return Object.freeze({
    ...serviceSettings(e),
    databaseUrl: e.DATABASE_URL,
    databaseListenUrl: e.DATABASE_LISTEN_URL ?? e.DATABASE_URL,
    migrateOnStart: e.MIGRATE_ON_START,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    consumerGroup: e.CONSUMER_GROUP,
    consumerFromBeginning: e.CONSUMER_FROM_BEGINNING,
    consumerSessionTimeoutMs: e.CONSUMER_SESSION_TIMEOUT_MS,
    consumerFetchBytesPerPartition: e.CONSUMER_FETCH_BYTES_PER_PARTITION,
    jwt: Object.freeze({ jwksUrl: e.JWKS_URL, issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE }),
    mailRetry: Object.freeze({
      attempts: e.MAIL_RETRY_ATTEMPTS,
      maxDelayMs: e.MAIL_RETRY_MAX_DELAY_MS,
      maxWaitInHandlerMs: e.CONSUMER_MAX_WAIT_IN_HANDLER_MS,
    }),
    mailClaimMs: e.MAIL_CLAIM_SECONDS * 1000,
    heartbeatMs: e.SSE_HEARTBEAT_SECONDS * 1000,
    streams: Object.freeze({
      perCustomer: e.STREAMS_PER_CUSTOMER,
      perInstance: e.STREAMS_PER_INSTANCE,
      leaseMs: e.STREAM_LEASE_SECONDS * 1000,
    }),
  });
}

/** The migrate command's database: MIGRATION_DATABASE_URL, else DATABASE_URL. */
export function loadMigrationUrl(env: Record<string, string | undefined> = process.env): string {
  return parseMigrationUrl(env);
}
