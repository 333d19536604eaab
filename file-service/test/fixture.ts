import { createEventPublisher, createEventRegistry, createKafka, type EventPublisher } from "@coffer/contracts";
import { createTestDatabase, createTokenIssuer, type TestDatabase, type TokenIssuer } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { buildApp } from "../src/app.js";
import type { Config } from "../src/config.js";
import { minioOf, testConfig } from "./support.js";

export type RunningFileService = {
  db: TestDatabase;
  issuer: TokenIssuer;
  config: Config;
  app: FastifyInstance;
  /** The listening app's URL. */
  base: string;
  /** Closes the app and starts another on the same database and bucket, as an instance restarting. */
  restart(): Promise<{ app: FastifyInstance; base: string }>;
  close(): Promise<void>;
};

/** file-service over its own database and bucket, listening, with the issuer of its tokens; `env` adds to the test config. */
export async function startFileService(env: Record<string, string> = {}): Promise<RunningFileService> {
  const db = await createTestDatabase();
  const issuer = await createTokenIssuer();
  const config = testConfig({ DATABASE_URL: db.url, JWKS_URL: issuer.jwksUrl, ...env });
  const listen = async () => {
    const app = await buildApp(config);
    return { app, base: await app.listen({ host: "127.0.0.1", port: 0 }) };
  };
  const running: RunningFileService = {
    db,
    issuer,
    config,
    ...(await listen()),
    async restart() {
      await running.app.close();
      Object.assign(running, await listen());
      return { app: running.app, base: running.base };
    },
    async close() {
      await running.app.close();
      await minioOf(config).removeBucket();
      await issuer.close();
      await db.drop();
    },
  };
  return running;
}

/** Publishes events as another service would, e.g. customer-service's. */
export function createTestPublisher(): EventPublisher {
  return createEventPublisher(
    createKafka({
      clientId: "file-test",
      brokers: process.env.KAFKA_BROKERS!.split(","),
      logger: pino({ level: "silent" }),
    }),
    createEventRegistry(process.env.SCHEMA_REGISTRY_URL!),
  );
}
