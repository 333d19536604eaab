import { createRequire } from "node:module";
import {
  createEventPublisher,
  createEventRegistry,
  createFieldCipher,
  createKafka,
  createKafkaCheck,
  createMongoOutboxRelay,
  createPageRenderer,
  createSchemaRegistryCheck,
  createServerOptions,
  healthRoutes,
  registerHttpConventions,
  registerOpenApi,
  type DependencyCheck,
} from "@coffer/contracts";
import cookie from "@fastify/cookie";
import rateLimit from "@fastify/rate-limit";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyInstance } from "fastify";
import mongoose from "mongoose";
import { adminRoutes } from "./admin/admin-routes.js";
import { createAuthenticate } from "./auth/authenticate.js";
import type { Config } from "./config.js";
import { accountPages } from "./customers/account-pages.js";
import { createModels } from "./customers/customer-model.js";
import { customerRoutes } from "./customers/customer-routes.js";
import type { CustomerDeps } from "./customers/customer-service.js";
import { Errors } from "./errors.js";
import { cleanUp } from "./jobs/cleanup.js";
import { authRoutes } from "./sessions/auth-routes.js";
import { createLoginThrottle } from "./sessions/login-throttle.js";
import type { SessionDeps } from "./sessions/session-service.js";
import { createAccessTokens } from "./tokens/access-tokens.js";
import { loadSigningKeys } from "./tokens/signing-keys.js";

export const SERVICE_NAME = "customer-service";
const SERVICE_VERSION = (createRequire(import.meta.url)("../package.json") as { version: string }).version;
const CLEANUP_INTERVAL_MS = 10 * 60_000;

/** MongoDB cannot be reached: the request may succeed once it is back, so it is a 503, not a 500. */
function isMongoUnreachable(error: unknown): boolean {
  return (
    error instanceof mongoose.mongo.MongoNetworkError ||
    error instanceof mongoose.mongo.MongoServerSelectionError ||
    error instanceof mongoose.Error.MongooseServerSelectionError ||
    // mongoose queues commands while disconnected, then gives up with this
    (error instanceof mongoose.Error && /buffering timed out/.test(error.message))
  );
}

/** Builds the service with every client it needs; the caller listens, `app.close()` releases all. */
export async function buildApp(config: Config): Promise<FastifyInstance> {
  const app = Fastify({
    ...createServerOptions({ service: SERVICE_NAME, logLevel: config.logLevel }),
    trustProxy: config.trustProxy,
  }).withTypeProvider<TypeBoxTypeProvider>();
  registerHttpConventions(app, { isDependencyDown: isMongoUnreachable });

  const mongo = mongoose.createConnection(config.mongoUrl, { serverSelectionTimeoutMS: 5000 });
  mongo.on("error", (err: unknown) => app.log.error({ err }, "mongodb connection error"));
  app.addHook("onClose", async () => mongo.close());
  await mongo.asPromise();
  const models = createModels(mongo);
  await Promise.all(Object.values(models).map((model) => model.init()));

  const keys = await loadSigningKeys(config.jwt.keysDir, { generateIfMissing: config.jwt.generateKey });
  const tokens = createAccessTokens(keys, {
    issuer: config.jwt.issuer,
    audience: config.jwt.audience,
    ttlSeconds: config.jwt.accessTtlSeconds,
  });

  const kafka = createKafka({ clientId: SERVICE_NAME, brokers: config.kafkaBrokers, logger: app.log });
  const publisher = createEventPublisher(kafka, createEventRegistry(config.schemaRegistryUrl));
  const relay = createMongoOutboxRelay({
    collections: [mongo.db!.collection("customers")],
    publisher,
    logger: app.log,
  });
  relay.start();
  app.addHook("onClose", async () => {
    await relay.stop();
    await publisher.close();
  });

  const throttle = createLoginThrottle(models, config.loginThrottle);
  const cleanup = setInterval(() => {
    cleanUp(models, throttle).catch((err: unknown) => app.log.warn({ err }, "cleanup failed"));
  }, CLEANUP_INTERVAL_MS).unref();
  app.addHook("onClose", async () => clearInterval(cleanup));

  const customers: CustomerDeps = {
    models,
    cipher: createFieldCipher(config.eventEncryptionKeys),
    wakeRelay: () => relay.wake(),
    adminEmails: config.adminEmails,
  };
  const sessions: SessionDeps = { models, tokens, throttle, refreshTtlSeconds: config.refreshTtlSeconds };
  const authenticate = createAuthenticate(tokens);

  const checks: DependencyCheck[] = [
    {
      name: "mongodb",
      async check() {
        if (!mongo.db) throw new Error("not connected");
        await mongo.db.admin().command({ ping: 1 });
      },
    },
    createKafkaCheck({ clientId: `${SERVICE_NAME}-readiness`, brokers: config.kafkaBrokers, logger: app.log }),
    createSchemaRegistryCheck(config.schemaRegistryUrl),
  ];
  app.addHook("onClose", async () => {
    await Promise.all(checks.map((c) => c.close?.()));
  });

  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => Errors.rateLimited(Math.ceil(context.ttl / 1000)),
  });
  await registerOpenApi(app, {
    title: SERVICE_NAME,
    version: SERVICE_VERSION,
    description:
      "Coffer's accounts: registration, e-mail verification, login, sessions, password reset, roles; issues the JWTs every service verifies.",
  });
  await app.register(healthRoutes, { checks });
  await app.register(authRoutes, { customers, sessions, keys, authenticate });
  await app.register(customerRoutes, { customers, authenticate });
  await app.register(adminRoutes, { models, authenticate });
  await app.register(accountPages, {
    customers,
    pages: createPageRenderer(new URL("../templates/pages/", import.meta.url)),
    publicBaseUrl: config.publicBaseUrl,
  });
  return app;
}
