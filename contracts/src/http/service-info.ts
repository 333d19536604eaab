import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import type { KafkaConnection } from "../events/kafka.js";
import { healthRoutes } from "./health-routes.js";
import { createKafkaCheck, createSchemaRegistryCheck, type DependencyCheck } from "./readiness.js";

/** The `version` of the package.json at `url`: `packageVersion(new URL("../package.json", import.meta.url))`. */
export function packageVersion(url: URL): string {
  return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
}

/**
 * `/health/live` and `/health/ready` over the service's own checks, then Kafka's and the schema
 * registry's, which every service needs; the checks' clients close with the app.
 */
export async function registerHealth(
  app: FastifyInstance,
  options: {
    service: string;
    kafka: KafkaConnection;
    schemaRegistryUrl: string;
    checks: readonly DependencyCheck[];
  },
): Promise<void> {
  const checks = [
    ...options.checks,
    createKafkaCheck({ clientId: `${options.service}-readiness`, ...options.kafka, logger: app.log }),
    createSchemaRegistryCheck(options.schemaRegistryUrl),
  ];
  app.addHook("onClose", async () => {
    await Promise.all(checks.map((c) => c.close?.()));
  });
  await app.register(healthRoutes, { checks });
}
