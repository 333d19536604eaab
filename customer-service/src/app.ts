import {
  createEventPublisher,
  createEventRegistry,
  createFieldCipher,
  createKafka,
  createMongoOutboxRelay,
} from "@coffer/contracts";
import {
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
import cookie from "@fastify/cookie";
import rateLimit from "@fastify/rate-limit";
import { createServiceMetrics, registerMetrics, registerOutboxGauges } from "@coffer/contracts/metrics";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyInstance } from "fastify";
import { createAccountRepository } from "./accounts/account-repository.js";
import { createMailAllowance } from "./accounts/mail-allowance.js";
import type { Config } from "./config.js";
import { createDatabaseCheck, isDatabaseUnreachable, openDatabase, outboxCollections } from "./database.js";
import { Errors } from "./errors.js";
import { createCleanupJob } from "./jobs/cleanup.js";
import { createClaimRepository } from "./claims/claim-repository.js";
import { createAttemptRepository } from "./limits/attempt-repository.js";
import { SERVICE_NAME } from "./outgoing-events.js";
import { isRedisUnreachable, openRedis } from "./redis.js";
import { createLoginMetrics } from "./metrics/login-metrics.js";
import { registerRoutes } from "./routes.js";
import { createLoginThrottle } from "./sessions/login-throttle.js";
import { createLoginThrottleRepository } from "./sessions/login-throttle-repository.js";
import { createSessionRepository } from "./sessions/session-repository.js";
import { checkAccess } from "./sessions/session-service.js";
import { createAccessTokens } from "./tokens/access-tokens.js";
import { createKeysReload, loadSigningKeys } from "./tokens/signing-keys.js";

const SERVICE_VERSION = packageVersion(new URL("../package.json", import.meta.url));
const CLEANUP_INTERVAL_MS = 10 * 60_000;

/**
 * Builds the service with every client it needs and starts it; `start.listen` (runService's) is
 * called once the routes are registered, before the relay and the cleanup job start.
 * `app.close()` releases all.
 */
export async function buildApp(config: Config, start: StartOptions = {}): Promise<FastifyInstance> {
  const startup = createStartup(start);
  const app = Fastify({
    ...createServerOptions({ service: SERVICE_NAME, logLevel: config.logLevel, trustedProxies: config.trustedProxies }),
  }).withTypeProvider<TypeBoxTypeProvider>();
  registerHttpConventions(app, {
    isDependencyDown: (error) => isDatabaseUnreachable(error) || isRedisUnreachable(error),
  });
  const metrics = createServiceMetrics(SERVICE_NAME);
  await registerMetrics(app, { metrics, listener: config.metrics });

  const { connection, models } = await openDatabase(config.mongoUrl, {
    onError: (err) => app.log.error({ err }, "mongodb connection error"),
  });
  app.addHook("onClose", async () => connection.close());
  // What every instance counts (the routes' rate limits, the login throttle), per deployment: the
  // instances on one database share the counts, another deployment on the same Redis (a test
  // run) has its own.
  const redis = openRedis(config.redisUrl, { onError: (err) => app.log.warn({ err }, "redis connection error") });
  app.addHook("onClose", async () => redis.disconnect());
  const countsNamespace = `${connection.name}:`;

  const keys = await loadSigningKeys(config.jwt.keysDir, {
    generateIfMissing: config.jwt.generateKey,
    activationDelayMs: config.jwt.activationDelayMs,
  });
  const keysReload = createKeysReload(keys, { intervalMs: config.jwt.reloadIntervalMs, logger: app.log });
  app.addHook("onClose", async () => keysReload.stop());
  const tokens = createAccessTokens(keys, {
    issuer: config.jwt.issuer,
    audience: config.jwt.audience,
    ttlSeconds: config.jwt.accessTtlSeconds,
  });

  const kafka = createKafka({ clientId: SERVICE_NAME, ...config.kafka.connection, logger: app.log });
  const publisher = createEventPublisher(kafka, createEventRegistry(config.schemaRegistryUrl), config.kafka.topics);
  const relay = createMongoOutboxRelay({
    collections: outboxCollections(connection),
    publisher,
    logger: app.log,
    metrics,
  });
  registerOutboxGauges(metrics, relay.backlog);
  app.addHook("onClose", async () => {
    await relay.stop();
    await publisher.close();
  });

  const deps = {
    accounts: createAccountRepository(models.Customer),
    sessions: createSessionRepository(models.Session),
    claims: createClaimRepository(models.Claim),
    tokens,
    cipher: createFieldCipher(config.eventEncryptionKeys),
    wakeRelay: () => relay.wake(),
    adminEmails: config.adminEmails,
    mails: createMailAllowance(createAttemptRepository(models.SentMail), config.accountMails),
    throttle: createLoginThrottle(createLoginThrottleRepository(redis, countsNamespace), config.loginThrottle),
    loginMetrics: createLoginMetrics(metrics),
    refreshTtlSeconds: config.refreshTtlSeconds,
    unverifiedAccountTtlHours: config.unverifiedAccountTtlHours,
  };
  const authenticate = createAuthenticate(tokens.verify, (verified) => checkAccess(deps, verified));

  const cleanup = createCleanupJob(deps, { intervalMs: CLEANUP_INTERVAL_MS, logger: app.log });
  app.addHook("onClose", async () => cleanup.stop());

  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    redis,
    nameSpace: `${countsNamespace}rate-limit:`,
    // As Kong's fault_tolerant: without Redis the per-address limits lapse and the requests are
    // served; the mail allowance, kept in the database, still holds. (The login throttle does not
    // lapse: a login answers 503 while Redis is out of reach.)
    skipOnError: true,
    errorResponseBuilder: (_request, context) => Errors.rateLimited(Math.ceil(context.ttl / 1000)),
  });
  await registerOpenApi(app, {
    title: SERVICE_NAME,
    version: SERVICE_VERSION,
    description:
      "Coffer's accounts: registration, e-mail verification, login, sessions, password reset, roles; issues the JWTs every service verifies.",
  });
  await registerHealth(app, {
    service: SERVICE_NAME,
    kafka: config.kafka.connection,
    schemaRegistryUrl: config.schemaRegistryUrl,
    required: [createDatabaseCheck(connection)],
    startup,
    metrics,
  });
  await registerRoutes(app, {
    deps,
    authenticate,
    keys,
    pages: createPageRenderer(new URL("../templates/pages/", import.meta.url)),
    publicBaseUrl: config.publicBaseUrl,
  });

  await startup.run(app, async () => {
    relay.start();
    cleanup.start();
    keysReload.start();
  });
  return app;
}
