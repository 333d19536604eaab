import {
  createConsumerRunner,
  createEventRegistry,
  createFieldCipher,
  createKafka,
  createPgIdempotencyStore,
} from "@coffer/contracts";
import {
  createAccessTokenVerifier,
  createAuthenticate,
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
import { createServiceMetrics, registerConsumerGauges, registerMetrics } from "@coffer/contracts/metrics";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import type { Config } from "./config.js";
import { createLiveStream } from "./inbox/live-stream.js";
import { createStreamRevocations } from "./inbox/stream-revocations.js";
import { createRetentionSweep } from "./jobs/retention-sweep.js";
import { createMailer } from "./mail/mailer.js";
import { loadTemplates } from "./mail/templates.js";
import { createNotificationsConsumer } from "./notifications/notifications-consumer.js";
import { registerNotificationGauges, timedMailer } from "./metrics/notification-metrics.js";
import { registerRoutes } from "./routes.js";

export const SERVICE_NAME = "notification-service";
const SERVICE_VERSION = packageVersion(new URL("../package.json", import.meta.url));

const MIGRATIONS = new URL("../migrations/", import.meta.url);

/**
 * Builds the service with every client it needs and starts it; `start.listen` (runService's) is
 * called once the routes are registered, before the schema check, LISTEN and the consumer group
 * join. `app.close()` releases all.
 */
export async function buildApp(config: Config, start: StartOptions = {}): Promise<FastifyInstance> {
  const startup = createStartup(start);
  const app = Fastify(
    createServerOptions({ service: SERVICE_NAME, logLevel: config.logLevel, trustedProxies: config.trustedProxies }),
  ).withTypeProvider<TypeBoxTypeProvider>();
  registerHttpConventions(app, { isDependencyDown: isPostgresUnavailable });
  const metrics = createServiceMetrics(SERVICE_NAME);
  await registerMetrics(app, { metrics, listener: config.metrics });

  const pool = createPool({ connectionString: config.databaseUrl, logger: app.log });
  app.addHook("onClose", async () => pool.end());

  const mailer = timedMailer(metrics, createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom }));
  app.addHook("onClose", async () => mailer.close());

  const live = createLiveStream({
    pool,
    connectionString: config.databaseListenUrl,
    logger: app.log,
    limits: config.streams,
  });
  app.addHook("onClose", async () => live.stop());
  registerNotificationGauges(metrics, { pool, streamsOpen: live.open });
  const accessCheck = createPgAccessCheck(pool);
  const revocations = createStreamRevocations({
    connectionString: config.databaseListenUrl,
    check: accessCheck,
    logger: app.log,
  });
  app.addHook("onClose", async () => revocations.stop());

  const runner = createConsumerRunner({
    kafka: createKafka({ clientId: SERVICE_NAME, ...config.kafka.connection, logger: app.log }),
    registry: createEventRegistry(config.schemaRegistryUrl),
    groupId: config.consumerGroup,
    fromBeginning: config.consumerFromBeginning,
    sessionTimeoutMs: config.consumerSessionTimeoutMs,
    fetchBytesPerPartition: config.consumerFetchBytesPerPartition,
    logger: app.log,
    store: createPgIdempotencyStore(pool),
    topicSettings: config.kafka.topics,
    // SMTP down: the partition waits and retries (up to minutes), then dead-letters with the reason.
    retry: { initialDelayMs: 250, ...config.mailRetry },
    metrics,
    handlers: {
      ...createAccessProjectionHandlers(),
      ...createNotificationsConsumer({
        pool,
        templates: loadTemplates(new URL("../templates/", import.meta.url)),
        mailer,
        // Each instance claims the mails it sends; this one's claims are known by this id.
        claimant: { owner: `${SERVICE_NAME}/${randomUUID()}`, leaseMs: config.mailClaimMs },
        cipher: createFieldCipher(config.eventEncryptionKeys),
        publicBaseUrl: config.publicBaseUrl,
      }),
    },
  });
  // onClose hooks run last registered first: the consumer stops before the pool and the mailer close.
  app.addHook("onClose", async () => runner.stop());
  registerConsumerGauges(app, metrics, {
    connection: config.kafka.connection,
    groupId: config.consumerGroup,
    topics: runner.topics,
  });

  const sweep = createRetentionSweep({ pool, logger: app.log });
  app.addHook("onClose", async () => sweep.stop());

  const authenticate = createAuthenticate(createAccessTokenVerifier(config.jwt), accessCheck);
  await registerOpenApi(app, {
    title: SERVICE_NAME,
    version: SERVICE_VERSION,
    description: "Coffer's notifications: the in-app inbox and its live stream, preferences, the delivery log.",
  });
  await registerHealth(app, {
    service: SERVICE_NAME,
    kafka: config.kafka.connection,
    schemaRegistryUrl: config.schemaRegistryUrl,
    required: [createPgCheck(pool)],
    reported: [{ name: "smtp", check: () => mailer.verify() }],
    startup,
    metrics,
  });
  await registerRoutes(app, { pool, live, revocations, authenticate, heartbeatMs: config.heartbeatMs });

  await startup.run(app, async () => {
    if (config.migrateOnStart) await migrate(pool, MIGRATIONS);
    else await assertMigrated(pool, MIGRATIONS);
    await live.start();
    await revocations.start();
    await runner.start();
    sweep.start();
  });
  return app;
}
