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
import mongoose from "mongoose";
import type { Config } from "./config.js";

export const SERVICE_NAME = "customer-service";

/** Builds the service with every client it needs; the caller listens, `app.close()` releases all. */
export async function buildApp(config: Config): Promise<FastifyInstance> {
  const app = Fastify(
    createServerOptions({ service: SERVICE_NAME, logLevel: config.logLevel }),
  ).withTypeProvider<TypeBoxTypeProvider>();
  registerHttpConventions(app);

  const mongo = mongoose.createConnection(config.mongoUrl, { serverSelectionTimeoutMS: 5000 });
  mongo.on("error", (err: unknown) => app.log.error({ err }, "mongodb connection error"));
  app.addHook("onClose", async () => mongo.close());
  await mongo.asPromise();

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

  await app.register(healthRoutes, { checks });
  return app;
}
