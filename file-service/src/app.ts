import {
  createConsumerRunner,
  createEventPublisher,
  createEventRegistry,
  createFieldCipher,
  createKafka,
  createPgIdempotencyStore,
  createPgOutboxRelay,
} from "@coffer/contracts";
import {
  createAccessTokenVerifier,
  createAuthenticate,
  createPageRenderer,
  createServerOptions,
  createStartup,
  packageVersion,
  registerHealth,
  registerHttpConventions,
  registerOpenApi,
  type StartOptions,
} from "@coffer/contracts/http";
import {
  assertMigrated,
  createAccessProjectionHandlers,
  createPgAccessCheck,
  createPgCheck,
  createPool,
  isPostgresUnavailable,
  migrate,
} from "@coffer/contracts/pg";
import cookie from "@fastify/cookie";
import multipart from "@fastify/multipart";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyInstance } from "fastify";
import type { Config } from "./config.js";
import { createCustomerConsumer } from "./customers/customer-consumer.js";
import { downloadRoutes } from "./downloads/download-routes.js";
import { fileRoutes } from "./files/file-routes.js";
import { folderRoutes } from "./folders/folder-routes.js";
import { createHourlySweep } from "./jobs/hourly-sweep.js";
import { createObjectDeleter } from "./jobs/object-deleter.js";
import { createUploadCompleter } from "./jobs/upload-completer.js";
import { quotaRoutes } from "./quotas/quota-routes.js";
import { SERVICE_NAME } from "./service.js";
import { publicShareRoutes, shareRoutes } from "./shares/share-routes.js";
import { connectFileStorage } from "./storage/file-storage.js";
import { trashRoutes } from "./trash/trash-routes.js";
import { resumableRoutes } from "./uploads/resumable-routes.js";
import { createResumableUploads } from "./uploads/resumable-uploads.js";
import { createUploadSlots } from "./uploads/upload-slots.js";
import { uploadRoutes } from "./uploads/upload-routes.js";

const SERVICE_VERSION = packageVersion(new URL("../package.json", import.meta.url));

const MIGRATIONS = new URL("../migrations/", import.meta.url);

/**
 * Builds the service with every client it needs and starts it; `start.listen` (runService's) is
 * called once the routes are registered, before the schema check and the consumer group join.
 * `app.close()` releases all.
 */
export async function buildApp(config: Config, start: StartOptions = {}): Promise<FastifyInstance> {
  const startup = createStartup(start);
  const app = Fastify({
    ...createServerOptions({ service: SERVICE_NAME, logLevel: config.logLevel, trustedProxies: config.trustedProxies }),
    // Uploads stream for as long as they take; the per-request timeout stays off.
    requestTimeout: 0,
  }).withTypeProvider<TypeBoxTypeProvider>();
  registerHttpConventions(app, { isDependencyDown: isPostgresUnavailable });

  const pool = createPool({ connectionString: config.databaseUrl, logger: app.log });
  app.addHook("onClose", async () => pool.end());

  const { storage, check: storageCheck } = await connectFileStorage(config.minio, app.log);

  const kafka = createKafka({ clientId: SERVICE_NAME, brokers: config.kafkaBrokers, logger: app.log });
  const registry = createEventRegistry(config.schemaRegistryUrl);
  const publisher = createEventPublisher(kafka, registry);
  const relay = createPgOutboxRelay({ pool, connectionString: config.databaseUrl, publisher, logger: app.log });
  app.addHook("onClose", async () => {
    await relay.stop();
    await publisher.close();
  });

  const deleter = createObjectDeleter({ pool, storage, logger: app.log });
  // Reservations of uploads in flight, leased to this instance: it renews its own, any instance reaps a crashed one's.
  const slots = createUploadSlots({
    pool,
    defaultQuotaBytes: config.limits.defaultQuotaBytes,
    limits: config.uploads,
    logger: app.log,
  });
  /** What the use-cases, consumers and jobs are given: each takes the part it names. */
  const deps = {
    pool,
    storage,
    logger: app.log,
    limits: config.limits,
    shareLimits: config.shares,
    minio: config.minio,
    cipher: createFieldCipher(config.eventEncryptionKeys),
    publicBaseUrl: config.publicBaseUrl,
    slots,
    wakeDeleter: deleter.wake,
  };
  const tus = createResumableUploads(deps);
  const completer = createUploadCompleter(deps);
  const jobs = [deleter, slots, completer, createHourlySweep(deps, tus, config.sweepIntervalMs)];
  app.addHook("onClose", async () => {
    await Promise.all(jobs.map((job) => job.stop()));
  });

  const runner = createConsumerRunner({
    kafka,
    registry,
    groupId: config.consumerGroup,
    fromBeginning: config.consumerFromBeginning,
    logger: app.log,
    store: createPgIdempotencyStore(pool),
    handlers: { ...createAccessProjectionHandlers(), ...createCustomerConsumer(deps) },
  });
  app.addHook("onClose", async () => runner.stop());

  const authenticate = createAuthenticate(createAccessTokenVerifier(config.jwt), createPgAccessCheck(pool));
  const idleTimeoutMs = config.uploads.idleTimeoutMs;
  await app.register(cookie);
  await app.register(multipart, { limits: { files: 1, fields: 10, fieldSize: 1024, parts: 20, headerPairs: 100 } });
  await registerOpenApi(app, {
    title: SERVICE_NAME,
    version: SERVICE_VERSION,
    description:
      "Coffer's files: folders, streaming and resumable uploads, downloads, versions, trash, quotas, share links.",
  });
  await registerHealth(app, {
    service: SERVICE_NAME,
    kafkaBrokers: config.kafkaBrokers,
    schemaRegistryUrl: config.schemaRegistryUrl,
    required: [createPgCheck(pool), storageCheck],
    startup,
  });
  await app.register(uploadRoutes, { deps, authenticate, idleTimeoutMs });
  await app.register(resumableRoutes, { deps, tus, authenticate, idleTimeoutMs, onChunk: completer.wake });
  await app.register(fileRoutes, { deps, authenticate });
  await app.register(downloadRoutes, { deps, authenticate });
  await app.register(folderRoutes, { deps, authenticate });
  await app.register(trashRoutes, { deps, authenticate });
  await app.register(quotaRoutes, { deps, authenticate });
  await app.register(shareRoutes, { deps, authenticate });
  await app.register(publicShareRoutes, {
    deps,
    pages: createPageRenderer(new URL("../templates/pages/", import.meta.url)),
  });

  await startup.run(app, async () => {
    if (config.migrateOnStart) await migrate(pool, MIGRATIONS);
    else await assertMigrated(pool, MIGRATIONS);
    await relay.start();
    for (const job of jobs) job.start();
    await runner.start();
  });
  return app;
}
