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
  ...serviceEnv({ port: 3002 }),
  ...consumerEnv({ group: "file-service" }),
  ...migrationEnv(),
  DATABASE_URL: Type.String({ pattern: "^postgres(ql)?://" }),
  // Named statements live in one server connection: off behind a pooler in transaction mode (PgBouncer before 1.21).
  DATABASE_PREPARED_STATEMENTS: Type.Boolean({ default: true }),
  MINIO_ENDPOINT: Type.String({ pattern: "^https?://[^/]+/?$" }),
  MINIO_ACCESS_KEY: Type.String({ minLength: 3 }),
  MINIO_SECRET_KEY: Type.String({ minLength: 8 }),
  MINIO_BUCKET: Type.String({ pattern: "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", default: "coffer-files" }),
  // MinIO answers to any region and serves buckets by path; S3 and its other clones may want their own.
  S3_REGION: Type.String({ pattern: "^[a-z0-9-]{2,40}$", default: "us-east-1" }),
  S3_FORCE_PATH_STYLE: Type.Boolean({ default: true }),
  // Longer than a tus upload stays open (24 h): the bucket rule must never abort a live one.
  MULTIPART_ABORT_DAYS: Type.Integer({ minimum: 2, default: 2 }),
  JWKS_URL: Type.String({ pattern: "^https?://" }),
  DEFAULT_QUOTA_BYTES: Type.Integer({ minimum: 0, default: 10 * 2 ** 30 }),
  MAX_FILE_SIZE_BYTES: Type.Integer({ minimum: 1, default: 5 * 2 ** 30 }),
  MAX_VERSIONS: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
  TRASH_RETENTION_DAYS: Type.Integer({ minimum: 1, default: 30 }),
  MAX_UPLOADS_PER_CUSTOMER: Type.Integer({ minimum: 1, default: 4 }),
  MAX_UPLOADS_PER_INSTANCE: Type.Integer({ minimum: 1, default: 32 }),
  UPLOAD_IDLE_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 30_000 }),
  UPLOAD_LEASE_MS: Type.Integer({ minimum: 300, default: 120_000 }),
  SWEEP_INTERVAL_MS: Type.Integer({ minimum: 1000, default: 3600_000 }),
  SHARE_DEFAULT_DAYS: Type.Integer({ minimum: 1, default: 7 }),
  SHARE_MAX_DAYS: Type.Integer({ minimum: 1, default: 30 }),
  // Coffer mails links for its customers: these keep it from being anyone's mail relay.
  SHARE_MAX_RECIPIENTS: Type.Integer({ minimum: 0, maximum: 50, default: 10 }),
  SHARE_RECIPIENTS_PER_DAY: Type.Integer({ minimum: 0, default: 50 }),
  SHARES_PER_HOUR: Type.Integer({ minimum: 1, default: 30 }),
  SHARE_DOWNLOAD_STALL_SECONDS: Type.Integer({ minimum: 1, default: 60 }),
  // An owner's download answered with a redirect to a presigned URL of the object, so its bytes
  // skip file-service; only where clients reach the object store (at DOWNLOAD_REDIRECT_ENDPOINT,
  // MINIO_ENDPOINT by default). Share links are always served here: they are counted.
  OWNER_DOWNLOAD_REDIRECT: Type.Boolean({ default: false }),
  DOWNLOAD_REDIRECT_ENDPOINT: Type.Optional(Type.String({ pattern: "^https?://[^/]+/?$" })),
  DOWNLOAD_REDIRECT_SECONDS: Type.Integer({ minimum: 10, maximum: 3600, default: 300 }),
});

export type Config = ReturnType<typeof loadConfig>;

/** Reads the service's configuration once; throws a ConfigError naming every missing or malformed key. */
export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const e = parseServiceEnv(EnvSchema, env);
  const minioUrl = new URL(e.MINIO_ENDPOINT);
  const useSSL = minioUrl.protocol === "https:";
  const redirectUrl = new URL(e.DOWNLOAD_REDIRECT_ENDPOINT ?? e.MINIO_ENDPOINT);
  return Object.freeze({
    ...serviceSettings(e),
    databaseUrl: e.DATABASE_URL,
    /** Whether the listings' statements are named, so each connection parses and plans them once. */
    preparedStatements: e.DATABASE_PREPARED_STATEMENTS,
    migrateOnStart: e.MIGRATE_ON_START,
    minio: Object.freeze({
      endPoint: minioUrl.hostname,
      port: minioUrl.port ? Number(minioUrl.port) : useSSL ? 443 : 80,
      useSSL,
      accessKey: e.MINIO_ACCESS_KEY,
      secretKey: e.MINIO_SECRET_KEY,
      bucket: e.MINIO_BUCKET,
      region: e.S3_REGION,
      pathStyle: e.S3_FORCE_PATH_STYLE,
      /** The bucket's lifecycle rule: incomplete multipart uploads are aborted this many days after they began. */
      multipartAbortDays: e.MULTIPART_ABORT_DAYS,
      /** Where clients reach the store, for the redirects of owners' downloads. */
      publicEndpoint: Object.freeze({
        endPoint: redirectUrl.hostname,
        port: redirectUrl.port ? Number(redirectUrl.port) : redirectUrl.protocol === "https:" ? 443 : 80,
        useSSL: redirectUrl.protocol === "https:",
      }),
    }),
    /** Owners' downloads redirected to the store for this long, when on. */
    ownerDownloadRedirect: e.OWNER_DOWNLOAD_REDIRECT
      ? Object.freeze({ expirySeconds: e.DOWNLOAD_REDIRECT_SECONDS })
      : undefined,
    /** How often the hourly sweep runs, on one instance of all. */
    sweepIntervalMs: e.SWEEP_INTERVAL_MS,
    consumerGroup: e.CONSUMER_GROUP,
    consumerFromBeginning: e.CONSUMER_FROM_BEGINNING,
    consumerSessionTimeoutMs: e.CONSUMER_SESSION_TIMEOUT_MS,
    consumerFetchBytesPerPartition: e.CONSUMER_FETCH_BYTES_PER_PARTITION,
    consumerMaxWaitInHandlerMs: e.CONSUMER_MAX_WAIT_IN_HANDLER_MS,
    jwt: Object.freeze({ jwksUrl: e.JWKS_URL, issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE }),
    limits: Object.freeze({
      defaultQuotaBytes: e.DEFAULT_QUOTA_BYTES,
      maxFileSizeBytes: e.MAX_FILE_SIZE_BYTES,
      maxVersions: e.MAX_VERSIONS,
      trashRetentionDays: e.TRASH_RETENTION_DAYS,
    }),
    /** Requests streaming content: caps on those in flight, their idle timeout, their reservations' lease. */
    uploads: Object.freeze({
      maxPerCustomer: e.MAX_UPLOADS_PER_CUSTOMER,
      maxPerInstance: e.MAX_UPLOADS_PER_INSTANCE,
      idleTimeoutMs: e.UPLOAD_IDLE_TIMEOUT_MS,
      leaseMs: e.UPLOAD_LEASE_MS,
    }),
    shares: Object.freeze({
      defaultDays: e.SHARE_DEFAULT_DAYS,
      maxDays: e.SHARE_MAX_DAYS,
      /** Per share; per customer over a rolling 24 hours; shares per customer over a rolling hour. */
      maxRecipients: e.SHARE_MAX_RECIPIENTS,
      recipientsPerDay: e.SHARE_RECIPIENTS_PER_DAY,
      perHour: e.SHARES_PER_HOUR,
      /** A share download whose client takes nothing this long is ended (and what it did not take given back). */
      downloadStallSeconds: e.SHARE_DOWNLOAD_STALL_SECONDS,
    }),
  });
}

/** The migrate command's database: MIGRATION_DATABASE_URL, else DATABASE_URL. */
export function loadMigrationUrl(env: Record<string, string | undefined> = process.env): string {
  return parseMigrationUrl(env);
}
