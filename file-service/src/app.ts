import { createRequire } from "node:module";
import {
  createAccessTokenVerifier,
  createAuthenticate,
  createAccessProjectionHandlers,
  createConsumerRunner,
  createFieldCipher,
  createEventPublisher,
  createEventRegistry,
  createKafka,
  createKafkaCheck,
  createPageRenderer,
  createPgIdempotencyStore,
  createPgAccessCheck,
  createPgOutboxRelay,
  createSchemaRegistryCheck,
  createServerOptions,
  healthRoutes,
  migrate,
  purgeProcessedEvents,
  purgeRevokedSessions,
  registerHttpConventions,
  registerOpenApi,
  type DependencyCheck,
  isPostgresUnavailable,
} from "@coffer/contracts";
import cookie from "@fastify/cookie";
import multipart from "@fastify/multipart";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyInstance } from "fastify";
import * as Minio from "minio";
import pg from "pg";
import type { Config } from "./config.js";
import { createCustomerHandlers } from "./events/customer-handlers.js";
import { fileRoutes } from "./files/file-routes.js";
import { resumableRoutes } from "./files/resumable-routes.js";
import {
  completeResumableUploads,
  createResumableUploads,
  expireResumableUploads,
  type ResumableDeps,
} from "./files/resumable-uploads.js";
import type { FileDeps } from "./files/file-service.js";
import { purgeExpiredTrash } from "./files/file-service.js";
import { createFileStorage } from "./files/file-storage.js";
import { createUploadSlots } from "./files/upload-slots.js";
import { folderRoutes } from "./folders/folder-routes.js";
import { createObjectDeleter } from "./jobs/object-deleter.js";
import { reconcileStorage } from "./jobs/storage-reconciler.js";
import { publicShareRoutes, shareRoutes } from "./shares/share-routes.js";
import { purgeOldShareSends } from "./shares/share-sends.js";
import type { ShareDeps } from "./shares/share-service.js";
import { trashRoutes } from "./trash/trash-routes.js";

export const SERVICE_NAME = "file-service";
const SERVICE_VERSION = (createRequire(import.meta.url)("../package.json") as { version: string }).version;
const TRASH_SWEEP_MS = 60 * 60_000;
const PROCESSED_EVENTS_RETENTION_DAYS = 30;

/** Builds the service with every client it needs; the caller listens, `app.close()` releases all. */
export async function buildApp(config: Config): Promise<FastifyInstance> {
  const app = Fastify({
    ...createServerOptions({ service: SERVICE_NAME, logLevel: config.logLevel, trustedProxies: config.trustedProxies }),
    // Uploads stream for as long as they take; the per-request timeout stays off.
    requestTimeout: 0,
  }).withTypeProvider<TypeBoxTypeProvider>();
  registerHttpConventions(app, { isDependencyDown: isPostgresUnavailable });

  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 20, connectionTimeoutMillis: 5000 });
  // An idle client's error (e.g. the server restarting) must not crash the process; the pool replaces it.
  pool.on("error", (err) => app.log.warn({ err }, "idle postgres client failed"));
  // So must a checked-out client's, whose connection breaks between two queries (the relay holds
  // one while it waits for Kafka): its next query fails, and the pool drops it on release.
  pool.on("connect", (client) => client.on("error", (err) => app.log.warn({ err }, "postgres connection lost")));
  app.addHook("onClose", async () => pool.end());
  await migrate(pool, new URL("../migrations/", import.meta.url));

  const { bucket, ...minioOptions } = config.minio;
  // 8 MiB parts: an upload of unknown length holds one part in memory, whatever its size.
  const minio = new Minio.Client({ ...minioOptions, partSize: 8 * 2 ** 20 });
  if (!(await minio.bucketExists(bucket))) await minio.makeBucket(bucket);
  const storage = createFileStorage(minio, bucket);

  const deleter = createObjectDeleter({ pool, storage, logger: app.log });
  deleter.start();
  app.addHook("onClose", async () => deleter.stop());

  const kafka = createKafka({ clientId: SERVICE_NAME, brokers: config.kafkaBrokers, logger: app.log });
  const registry = createEventRegistry(config.schemaRegistryUrl);
  const publisher = createEventPublisher(kafka, registry);
  const relay = createPgOutboxRelay({ pool, connectionString: config.databaseUrl, publisher, logger: app.log });
  await relay.start();
  app.addHook("onClose", async () => {
    await relay.stop();
    await publisher.close();
  });

  // Reservations of uploads in flight, leased to this instance: it renews its own, any instance reaps a crashed one's.
  const slots = createUploadSlots({
    pool,
    defaultQuotaBytes: config.limits.defaultQuotaBytes,
    limits: config.uploads,
    logger: app.log,
  });
  slots.start();
  app.addHook("onClose", async () => slots.stop());

  const fileDeps: FileDeps = { pool, defaultQuotaBytes: config.limits.defaultQuotaBytes, wakeDeleter: deleter.wake };
  const runner = createConsumerRunner({
    kafka,
    registry,
    groupId: config.consumerGroup,
    fromBeginning: config.consumerFromBeginning,
    logger: app.log,
    store: createPgIdempotencyStore(pool),
    handlers: { ...createAccessProjectionHandlers(), ...createCustomerHandlers({ ...fileDeps, storage }) },
  });
  app.addHook("onClose", async () => runner.stop());
  await runner.start();

  const minioUrl = new URL(`${config.minio.useSSL ? "https" : "http"}://${config.minio.endPoint}:${config.minio.port}`);
  const resumable: ResumableDeps = {
    pool,
    storage,
    limits: config.limits,
    wakeDeleter: deleter.wake,
    slots,
    logger: app.log,
    expirationMs: 24 * 3600_000,
    s3: {
      endpoint: minioUrl.toString().replace(/\/$/, ""),
      region: "us-east-1",
      bucket,
      accessKeyId: config.minio.accessKey,
      secretAccessKey: config.minio.secretKey,
    },
  };
  const tus = createResumableUploads(resumable);
  let completing: Promise<unknown> | undefined;
  const complete = () => {
    completing ??= completeResumableUploads(resumable)
      .catch((err: unknown) => app.log.warn({ err }, "completing resumable uploads failed"))
      .finally(() => (completing = undefined));
  };
  const completions = setInterval(complete, 1000).unref();
  const expiry = setInterval(() => void expireResumableUploads(resumable, tus), TRASH_SWEEP_MS).unref();
  app.addHook("onClose", async () => {
    clearInterval(completions);
    clearInterval(expiry);
    await completing;
  });

  // Hourly: trash past its retention, expired share grants, share sends past their window,
  // processed event ids past any replay, objects no row references (older than an upload can stay open).
  const sweep = setInterval(() => {
    Promise.all([
      purgeExpiredTrash(fileDeps, config.limits.trashRetentionDays),
      pool.query("DELETE FROM share_grants WHERE expires_at < now()"),
      purgeOldShareSends(pool),
      purgeProcessedEvents(pool, PROCESSED_EVENTS_RETENTION_DAYS),
      reconcileStorage({ pool, storage, logger: app.log }, resumable.expirationMs),
      purgeRevokedSessions(pool),
    ]).catch((err: unknown) => app.log.warn({ err }, "hourly sweep failed"));
  }, TRASH_SWEEP_MS).unref();
  app.addHook("onClose", async () => clearInterval(sweep));

  const checks: DependencyCheck[] = [
    { name: "postgres", check: async () => void (await pool.query("SELECT 1")) },
    {
      name: "minio",
      async check() {
        if (!(await minio.bucketExists(bucket))) throw new Error(`bucket ${bucket} is missing`);
      },
    },
    createKafkaCheck({ clientId: `${SERVICE_NAME}-readiness`, brokers: config.kafkaBrokers, logger: app.log }),
    createSchemaRegistryCheck(config.schemaRegistryUrl),
  ];
  app.addHook("onClose", async () => {
    await Promise.all(checks.map((c) => c.close?.()));
  });

  const authenticate = createAuthenticate(createAccessTokenVerifier(config.jwt), createPgAccessCheck(pool));
  await app.register(cookie);
  await app.register(multipart, { limits: { files: 1, fields: 10, fieldSize: 1024, parts: 20, headerPairs: 100 } });
  await registerOpenApi(app, {
    title: SERVICE_NAME,
    version: SERVICE_VERSION,
    description:
      "Coffer's files: folders, streaming and resumable uploads, downloads, versions, trash, quotas, share links.",
  });
  await app.register(healthRoutes, { checks });
  await app.register(fileRoutes, {
    files: fileDeps,
    upload: { pool, storage, limits: config.limits, wakeDeleter: deleter.wake, slots },
    storage,
    authenticate,
    idleTimeoutMs: config.uploads.idleTimeoutMs,
  });
  await app.register(folderRoutes, {
    folders: { pool, defaultQuotaBytes: config.limits.defaultQuotaBytes },
    files: fileDeps,
    storage,
    authenticate,
  });
  await app.register(trashRoutes, { files: fileDeps, authenticate });
  await app.register(resumableRoutes, {
    tus,
    pool,
    authenticate,
    slots,
    idleTimeoutMs: config.uploads.idleTimeoutMs,
    onFinishedChunk: complete,
  });
  const shareDeps: ShareDeps = {
    pool,
    cipher: createFieldCipher(config.eventEncryptionKeys),
    publicBaseUrl: config.publicBaseUrl,
    limits: config.shares,
  };
  await app.register(shareRoutes, { shares: shareDeps, authenticate });
  await app.register(publicShareRoutes, {
    shares: shareDeps,
    storage,
    pages: createPageRenderer(new URL("../templates/pages/", import.meta.url)),
  });
  return app;
}
