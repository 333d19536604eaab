import {
  createKafkaCheck,
  createSchemaRegistryCheck,
  createServerOptions,
  healthRoutes,
  registerHttpConventions,
  type DependencyCheck,
} from "@coffer/contracts";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyInstance } from "fastify";
import nodemailer from "nodemailer";
import pg from "pg";
import type { Config } from "./config.js";

export const SERVICE_NAME = "notification-service";

/** Builds the service with every client it needs; the caller listens, `app.close()` releases all. */
export async function buildApp(config: Config): Promise<FastifyInstance> {
  const app = Fastify(
    createServerOptions({ service: SERVICE_NAME, logLevel: config.logLevel }),
  ).withTypeProvider<TypeBoxTypeProvider>();
  registerHttpConventions(app);

  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 20, connectionTimeoutMillis: 5000 });
  // An idle client's error (e.g. the server restarting) must not crash the process; the pool replaces it.
  pool.on("error", (err) => app.log.warn({ err }, "idle postgres client failed"));
  app.addHook("onClose", async () => pool.end());

  const mailer = nodemailer.createTransport(config.smtpUrl);
  app.addHook("onClose", async () => mailer.close());

  const checks: DependencyCheck[] = [
    { name: "postgres", check: async () => void (await pool.query("SELECT 1")) },
    { name: "smtp", check: async () => void (await mailer.verify()) },
    createKafkaCheck({ clientId: `${SERVICE_NAME}-readiness`, brokers: config.kafkaBrokers, logger: app.log }),
    createSchemaRegistryCheck(config.schemaRegistryUrl),
  ];
  app.addHook("onClose", async () => {
    await Promise.all(checks.map((c) => c.close?.()));
  });

  await app.register(healthRoutes, { checks });
  return app;
}
