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
import {
  createServiceMetrics,
  registerConsumerGauges,
  registerMetrics,
  registerOutboxGauges,
} from "@coffer/contracts/metrics";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyInstance } from "fastify";
import type { Config } from "./config.js";
import { createCustomerConsumer } from "./customers/customer-consumer.js";
import { createHourlySweep } from "./jobs/hourly-sweep.js";
import { createObjectDeleter } from "./jobs/object-deleter.js";
import { createUploadCompleter } from "./jobs/upload-completer.js";
import { createFileMetrics } from "./metrics/file-metrics.js";
import { registerRoutes } from "./routes.js";
import { SERVICE_NAME } from "./service.js";
import { connectFileStorage } from "./storage/file-storage.js";
import { createResumableUploads } from "./uploads/resumable-uploads.js";
import { createUploadSlots } from "./uploads/upload-slots.js";

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
  const metrics = createServiceMetrics(SERVICE_NAME);
  await registerMetrics(app, { metrics, listener: config.metrics });

  const pool = createPool({ connectionString: config.databaseUrl, logger: app.log });
  app.addHook("onClose", async () => pool.end());

  const { storage, check: storageCheck } = await connectFileStorage(config.minio, app.log);

  const kafka = createKafka({ clientId: SERVICE_NAME, ...config.kafka.connection, logger: app.log });
  const registry = createEventRegistry(config.schemaRegistryUrl);
  const publisher = createEventPublisher(kafka, registry, config.kafka.topics);
  const relay = createPgOutboxRelay({
    pool,
    connectionString: config.databaseUrl,
    publisher,
    logger: app.log,
    metrics,
  });
  registerOutboxGauges(metrics, relay.backlog);
  app.addHook("onClose", async () => {
    await relay.stop();
    await publisher.close();
  });

  const deleter = createObjectDeleter({ pool, storage, logger: app.log });
  // Reservations of uploads in flight, leased to this instance: it renews its own, any instance reaps a crashed one's.
  const slots = createUploadSlots({
    pool,
    storage,
    defaultQuotaBytes: config.limits.defaultQuotaBytes,
    limits: config.uploads,
    logger: app.log,
  });
  /** What the use-cases, consumers and jobs are given: each takes the part it names. */
  const deps = {
    pool,
    preparedStatements: config.preparedStatements,
    storage,
    logger: app.log,
    limits: config.limits,
    shareLimits: config.shares,
    minio: config.minio,
    cipher: createFieldCipher(config.eventEncryptionKeys),
    publicBaseUrl: config.publicBaseUrl,
    slots,
    wakeDeleter: deleter.wake,
    shareMetrics: createFileMetrics(metrics, { pool, uploadsInFlight: slots.inFlight }),
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
    sessionTimeoutMs: config.consumerSessionTimeoutMs,
    fetchBytesPerPartition: config.consumerFetchBytesPerPartition,
    retry: { maxWaitInHandlerMs: config.consumerMaxWaitInHandlerMs },
    logger: app.log,
    store: createPgIdempotencyStore(pool),
    handlers: { ...createAccessProjectionHandlers(), ...createCustomerConsumer(deps) },
    topicSettings: config.kafka.topics,
    metrics,
  });
  app.addHook("onClose", async () => runner.stop());
  registerConsumerGauges(app, metrics, {
    connection: config.kafka.connection,
    groupId: config.consumerGroup,
    topics: runner.topics,
  });

  const authenticate = createAuthenticate(
    createAccessTokenVerifier(config.jwt),
    createPgAccessCheck(pool, { prepared: config.preparedStatements }),
  );
  await registerOpenApi(app, {
    title: SERVICE_NAME,
    version: SERVICE_VERSION,
    description:
      "Coffer's files: folders, streaming and resumable uploads, downloads, versions, trash, quotas, share links.",
  });
  await registerHealth(app, {
    service: SERVICE_NAME,
    kafka: config.kafka.connection,
    schemaRegistryUrl: config.schemaRegistryUrl,
    required: [createPgCheck(pool), storageCheck],
    startup,
    metrics,
  });
  await registerRoutes(app, {
    deps,
    tus,
    authenticate,
    idleTimeoutMs: config.uploads.idleTimeoutMs,
    onChunk: completer.wake,
    redirectSeconds: config.ownerDownloadRedirect?.expirySeconds,
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
