import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { AppError } from "../errors.js";
import type { KafkaConnection } from "../events/kafka.js";
import { registerDependencyGauge } from "../metrics/dependency-gauge.js";
import type { ServiceMetrics } from "../metrics/service-metrics.js";
import { healthRoutes } from "./health-routes.js";
import { createKafkaCheck, createSchemaRegistryCheck, type DependencyCheck } from "./readiness.js";
import type { Startup } from "./startup.js";

/** The `version` of the package.json at `url`: `packageVersion(new URL("../package.json", import.meta.url))`. */
export function packageVersion(url: URL): string {
  return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
}

/**
 * `/health/live` and `/health/ready`: ready fails for the service's `required` checks (what its
 * requests need) and while it starts; Kafka's, the schema registry's and the service's `reported`
 * checks are listed apart. Until the start is done every other route answers 503. The checks'
 * clients close with the app. With `metrics`, the checks also feed `coffer_dependency_up`.
 */
export async function registerHealth(
  app: FastifyInstance,
  options: {
    service: string;
    kafka: KafkaConnection;
    schemaRegistryUrl: string;
    required: readonly DependencyCheck[];
    reported?: readonly DependencyCheck[];
    startup: Startup;
    metrics?: ServiceMetrics;
  },
): Promise<void> {
  const reported = [
    createKafkaCheck({ clientId: `${options.service}-readiness`, ...options.kafka, logger: app.log }),
    createSchemaRegistryCheck(options.schemaRegistryUrl),
    ...(options.reported ?? []),
  ];
  if (options.metrics) registerDependencyGauge(options.metrics, [...options.required, ...reported]);
  app.addHook("onClose", async () => {
    await Promise.all([...options.required, ...reported].map((c) => c.close?.()));
  });
  app.addHook("onRequest", async (request) => {
    if (!options.startup.isStarted() && !request.url.startsWith("/health/")) {
      throw new AppError("DEPENDENCY_UNAVAILABLE", "the service is starting; try again", {
        statusCode: 503,
        retryAfterSeconds: 1,
      });
    }
  });
  await app.register(healthRoutes, {
    required: options.required,
    reported,
    isStarted: options.startup.isStarted,
  });
}
