import { freePort, scrapeMetrics } from "@coffer/contracts/testing";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyInstance } from "fastify";
import Type from "typebox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServerOptions, registerHttpConventions } from "../src/http/index.js";
import { createServiceMetrics, registerMetrics } from "../src/metrics/index.js";

const FILE_ID = "3f1c2a9e-0000-4000-8000-000000000001";
let app: FastifyInstance;
let api: string;
let metricsPort: number;

beforeAll(async () => {
  app = Fastify(
    createServerOptions({ service: "things", logLevel: "silent", trustedProxies: [] }),
  ).withTypeProvider<TypeBoxTypeProvider>();
  registerHttpConventions(app);
  metricsPort = await freePort();
  await registerMetrics(app, {
    metrics: createServiceMetrics("things-service"),
    listener: { host: "127.0.0.1", port: metricsPort },
  });
  app.get(
    "/files/:id",
    { schema: { params: Type.Object({ id: Type.String({ format: "uuid" }) }) } },
    async (request) => ({ id: (request.params as { id: string }).id }),
  );
  api = await app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(() => app.close());

describe("the metrics listener", () => {
  it("when requests were answered, then /metrics on its own port counts them by route pattern, 404s as unmatched, with no id in any label", async () => {
    expect((await fetch(`${api}/files/${FILE_ID}`)).status).toBe(200);
    expect((await fetch(`${api}/files/not-a-uuid`)).status).toBe(400);
    expect((await fetch(`${api}/nothing/${FILE_ID}`)).status).toBe(404);

    const scrape = await scrapeMetrics(metricsPort);
    const labels = (status_code: string) => ({
      service: "things-service",
      method: "GET",
      route: "/files/:id",
      status_code,
    });
    expect(scrape.value("coffer_http_requests_total", labels("200"))).toBe(1);
    expect(scrape.value("coffer_http_requests_total", labels("400"))).toBe(1);
    expect(scrape.value("coffer_http_requests_total", { route: "unmatched", status_code: "404" })).toBe(1);
    expect(scrape.value("coffer_http_request_duration_seconds_count", labels("200"))).toBe(1);
    expect(scrape.of("coffer_http_request_duration_seconds_bucket", { ...labels("200"), le: "30" })).toHaveLength(1);
    expect(scrape.value("process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(scrape.of("nodejs_eventloop_lag_p99_seconds")).toHaveLength(1);
    expect(scrape.samples.every((s) => s.labels.service === "things-service")).toBe(true);
    expect(scrape.text).not.toContain(FILE_ID);
    expect(scrape.text).not.toContain("not-a-uuid");
  });

  it("when the API port is asked for /metrics, then it is not there (404), and the metrics port serves nothing else", async () => {
    expect((await fetch(`${api}/metrics`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/files/${FILE_ID}`)).status).toBe(404);
  });

  it("when the app closes, then the metrics port is released", async () => {
    const port = await freePort();
    const other = Fastify({ logger: false });
    await registerMetrics(other, { metrics: createServiceMetrics("other"), listener: { host: "127.0.0.1", port } });
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
    await other.close();
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});
