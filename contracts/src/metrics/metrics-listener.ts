import { createServer } from "node:http";
import type { FastifyInstance } from "fastify";
import { Counter, Histogram } from "prom-client";
import type { ServiceMetrics } from "./service-metrics.js";

export type MetricsSettings = { host: string; port: number };

/**
 * Records every request in `coffer_http_*` by its route pattern (`unmatched` when no route
 * matched), and serves `GET /metrics` on a listener of its own (`port` 0: none), apart from the
 * API, so the gateway never exposes it. Called before the routes are registered; the listener
 * closes with the app.
 */
export async function registerMetrics(
  app: FastifyInstance,
  { metrics, listener }: { metrics: ServiceMetrics; listener: MetricsSettings },
): Promise<void> {
  const labelNames = ["method", "route", "status_code"] as const;
  const requests = new Counter({
    name: "coffer_http_requests_total",
    help: "HTTP requests answered, by method, route pattern and status code",
    labelNames,
    registers: [metrics.registry],
  });
  const duration = new Histogram({
    name: "coffer_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by method, route pattern and status code",
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [metrics.registry],
  });
  app.addHook("onResponse", async (request, reply) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? "unmatched",
      status_code: String(reply.statusCode),
    };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
  });

  if (listener.port === 0) return;
  const server = createServer((request, response) => {
    if (request.method !== "GET" || request.url?.split("?")[0] !== "/metrics") {
      response.writeHead(404).end();
      return;
    }
    metrics.registry.metrics().then(
      (body) => response.writeHead(200, { "content-type": metrics.registry.contentType }).end(body),
      (err: unknown) => {
        app.log.error({ err }, "metrics could not be collected");
        response.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listener.port, listener.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  app.addHook("onClose", async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
}
