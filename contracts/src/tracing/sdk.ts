import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { IncomingMessage } from "node:http";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { MongoDBInstrumentation } from "@opentelemetry/instrumentation-mongodb";
import { PgInstrumentation } from "@opentelemetry/instrumentation-pg";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { NodeSDK } from "@opentelemetry/sdk-node";

/**
 * The SDK as the OTEL_* variables configure it (exporter, protocol, endpoint, sampler), traces
 * only: metrics are Prometheus's. HTTP in and out (MinIO, the registry, JWKS), PostgreSQL and
 * MongoDB calls become spans; Kafka's are Coffer's own (`withPublishSpans`, `traceRecord`).
 */
export function startTracing(): NodeSDK {
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME ?? serviceNameOfEntry(),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        // Probes poll every few seconds; their spans would drown the requests.
        ignoreIncomingRequestHook: (request: IncomingMessage) => request.url?.startsWith("/health/") ?? false,
      }),
      new UndiciInstrumentation(),
      // Queries outside a request or a record (the relays' and jobs' polling) are not traced.
      new PgInstrumentation({ requireParentSpan: true }),
      new MongoDBInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  return sdk;
}

/** `file-service` for `…/file-service/dist/main.js`: the name of the entry script's package, unscoped. */
function serviceNameOfEntry(): string | undefined {
  for (let dir = dirname(process.argv[1] ?? "."); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const { name } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string };
      return name?.replace(/^@[^/]+\//, "");
    } catch {
      continue;
    }
  }
  return undefined;
}
