import { createRequire } from "node:module";
import {
  createAccessProjectionHandlers,
  createAccessTokenVerifier,
  createAuthenticate,
  createConsumerRunner,
  createEventRegistry,
  createFieldCipher,
  createKafka,
  createKafkaCheck,
  createPgAccessCheck,
  createPgIdempotencyStore,
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
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyInstance } from "fastify";
import pg from "pg";
import { deliveriesRoutes } from "./admin/deliveries-routes.js";
import type { Config } from "./config.js";
import { inboxRoutes } from "./inbox/inbox-routes.js";
import { createLiveStream } from "./inbox/live-stream.js";
import { createStreamRevocations } from "./inbox/stream-revocations.js";
import { createMailer } from "./mail/mailer.js";
import { loadTemplates } from "./mail/templates.js";
import { dropParkedOlderThan } from "./customers/awaiting-customer.js";
import { createEventHandlers } from "./notifications/event-handlers.js";

export const SERVICE_NAME = "notification-service";
const SERVICE_VERSION = (createRequire(import.meta.url)("../package.json") as { version: string }).version;
const PROCESSED_EVENTS_RETENTION_DAYS = 30;

/** Builds the service with every client it needs; the caller listens, `app.close()` releases all. */
export async function buildApp(config: Config): Promise<FastifyInstance> {
  const app = Fastify(
    createServerOptions({ service: SERVICE_NAME, logLevel: config.logLevel, trustedProxies: config.trustedProxies }),
  ).withTypeProvider<TypeBoxTypeProvider>();
  registerHttpConventions(app, { isDependencyDown: isPostgresUnavailable });

  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 20, connectionTimeoutMillis: 5000 });
  // An idle client's error (e.g. the server restarting) must not crash the process; the pool replaces it.
  pool.on("error", (err) => app.log.warn({ err }, "idle postgres client failed"));
  // So must a checked-out client's, whose connection breaks between two queries (the relay holds
  // one while it waits for Kafka): its next query fails, and the pool drops it on release.
  pool.on("connect", (client) => client.on("error", (err) => app.log.warn({ err }, "postgres connection lost")));
  app.addHook("onClose", async () => pool.end());
  await migrate(pool, new URL("../migrations/", import.meta.url));

  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom });
  app.addHook("onClose", async () => mailer.close());

  const live = createLiveStream({
    pool,
    connectionString: config.databaseUrl,
    logger: app.log,
    limits: config.streams,
  });
  await live.start();
  app.addHook("onClose", async () => live.stop());
  const accessCheck = createPgAccessCheck(pool);
  const revocations = createStreamRevocations({
    connectionString: config.databaseUrl,
    check: accessCheck,
    logger: app.log,
  });
  await revocations.start();
  app.addHook("onClose", async () => revocations.stop());

  const kafka = createKafka({ clientId: SERVICE_NAME, brokers: config.kafkaBrokers, logger: app.log });
  const runner = createConsumerRunner({
    kafka,
    registry: createEventRegistry(config.schemaRegistryUrl),
    groupId: config.consumerGroup,
    fromBeginning: config.consumerFromBeginning,
    logger: app.log,
    store: createPgIdempotencyStore(pool),
    // SMTP down: the partition waits and retries (up to minutes), then dead-letters with the reason.
    retry: { attempts: config.mailRetry.attempts, initialDelayMs: 250, maxDelayMs: config.mailRetry.maxDelayMs },
    handlers: {
      ...createAccessProjectionHandlers(),
      ...createEventHandlers({
        templates: loadTemplates(new URL("../templates/", import.meta.url)),
        mailer,
        cipher: createFieldCipher(config.eventEncryptionKeys),
        publicBaseUrl: config.publicBaseUrl,
      }),
    },
  });
  // Registered before the pool's hook, so hooks run in reverse: the consumer stops first.
  app.addHook("onClose", async () => runner.stop());
  await runner.start();

  // Hourly: processed event ids older than any replay could bring back.
  // Events that waited as long for a customer who never came are dropped, and counted.
  const sweep = setInterval(() => {
    Promise.all([purgeProcessedEvents(pool, PROCESSED_EVENTS_RETENTION_DAYS), purgeRevokedSessions(pool)]).catch(
      (err: unknown) => app.log.warn({ err }, "sweep failed"),
    );
    dropParkedOlderThan(pool, PROCESSED_EVENTS_RETENTION_DAYS).then(
      (dropped) => {
        if (dropped > 0) app.log.warn({ dropped }, "events dropped: their customer never arrived");
      },
      (err: unknown) => app.log.warn({ err }, "sweep failed"),
    );
  }, 60 * 60_000).unref();
  app.addHook("onClose", async () => clearInterval(sweep));

  const checks: DependencyCheck[] = [
    { name: "postgres", check: async () => void (await pool.query("SELECT 1")) },
    { name: "smtp", check: () => mailer.verify() },
    createKafkaCheck({ clientId: `${SERVICE_NAME}-readiness`, brokers: config.kafkaBrokers, logger: app.log }),
    createSchemaRegistryCheck(config.schemaRegistryUrl),
  ];
  app.addHook("onClose", async () => {
    await Promise.all(checks.map((c) => c.close?.()));
  });

  const authenticate = createAuthenticate(createAccessTokenVerifier(config.jwt), accessCheck);
  await registerOpenApi(app, {
    title: SERVICE_NAME,
    version: SERVICE_VERSION,
    description: "Coffer's notifications: the in-app inbox and its live stream, preferences, the delivery log.",
  });
  await app.register(healthRoutes, { checks });
  await app.register(inboxRoutes, { pool, live, revocations, authenticate, heartbeatMs: config.heartbeatMs });
  await app.register(deliveriesRoutes, { pool, authenticate });
  return app;
}
