import { randomBytes, randomUUID } from "node:crypto";
import { freePort, scrapeMetrics, type Scrape } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { startFileService, type RunningFileService } from "./fixture.js";

const DB_GAUGES = [
  "coffer_upload_reserved_bytes",
  "coffer_tus_uploads_in_progress",
  "coffer_object_deletions_queued",
  "coffer_outbox_pending_events",
];
let service: RunningFileService;
let second: FastifyInstance;
let firstPort: number;
let secondPort: number;

beforeAll(async () => {
  [firstPort, secondPort] = [await freePort(), await freePort()];
  service = await startFileService({ METRICS_PORT: String(firstPort) });
  // A second instance on the same database, as behind a load balancer.
  second = await buildApp({ ...service.config, metrics: { host: "127.0.0.1", port: secondPort } });
});
afterAll(async () => {
  await second?.close();
  await service?.close();
});

async function uploadAndShare(shareOptions: object) {
  const auth = { authorization: `Bearer ${await service.issuer.token(randomUUID())}` };
  const form = new FormData();
  form.append("file", new Blob([randomBytes(5000)], { type: "text/plain" }), "notes.txt");
  const uploaded = await fetch(`${service.base}/files`, { method: "POST", headers: auth, body: form });
  expect(uploaded.status).toBe(201);
  const { id } = (await uploaded.json()) as { id: string };
  const shared = await service.app.inject({
    method: "POST",
    url: `/files/${id}/shares`,
    headers: auth,
    payload: shareOptions,
  });
  expect(shared.statusCode).toBe(201);
  return { fileId: id, token: shared.json<{ url: string }>().url.split("/s/")[1]! };
}

describe("file-service's metrics", () => {
  it("when a file is uploaded, shared, downloaded by its link and refused without its password, then this instance's counters move, by route pattern and reason, with no id in a label", async () => {
    const open = await uploadAndShare({});
    const locked = await uploadAndShare({ password: "a long password" });
    expect((await service.app.inject({ method: "GET", url: `/s/${open.token}/content` })).statusCode).toBe(200);
    const refused = await service.app.inject({ method: "GET", url: `/s/${locked.token}/content` });
    expect(refused.json()).toMatchObject({ code: "SHARE_PASSWORD_REQUIRED" });

    const scrape = await scrapeMetrics(firstPort);
    expect(scrape.value("coffer_http_requests_total", { method: "POST", route: "/files", status_code: "201" })).toBe(2);
    expect(scrape.value("coffer_http_requests_total", { route: "/s/:token/content", status_code: "200" })).toBe(1);
    expect(scrape.value("coffer_share_downloads_total")).toBe(1);
    expect(scrape.value("coffer_share_refusals_total", { reason: "password_required" })).toBe(1);
    expect(scrape.value("coffer_uploads_in_flight")).toBe(0);
    expect(scrape.value("coffer_dependency_up", { dependency: "minio" })).toBe(1);
    expect(scrape.value("coffer_dependency_up", { dependency: "postgres" })).toBe(1);
    // Either instance's relay may publish an event: the counter is summed over the instances.
    const published = async () =>
      ((await scrapeMetrics(firstPort)).value("coffer_events_published_total") ?? 0) +
      ((await scrapeMetrics(secondPort)).value("coffer_events_published_total") ?? 0);
    await expect.poll(published, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    for (const id of [open.fileId, open.token, locked.fileId, locked.token]) expect(scrape.text).not.toContain(id);
  });

  it("when two instances share one database, then their [db] gauges agree and their counters are their own", async () => {
    const [first, other] = await Promise.all([scrapeMetrics(firstPort), scrapeMetrics(secondPort)]);
    expect(first.value("coffer_share_downloads_total")).toBeGreaterThan(0);
    expect(other.value("coffer_share_downloads_total")).toBe(0);
    expect(other.value("coffer_http_requests_total", { method: "POST", route: "/files" })).toBeUndefined();
    expect(other.value("coffer_consumer_lag")).toBeDefined();
    // Each instance caches its reads a few seconds: equal once both read after the same writes.
    const gauges = (scrape: Scrape) => DB_GAUGES.map((name) => scrape.value(name));
    await expect
      .poll(
        async () => {
          const [a, b] = await Promise.all([scrapeMetrics(firstPort), scrapeMetrics(secondPort)]);
          return JSON.stringify(gauges(a)) === JSON.stringify(gauges(b)) && gauges(a).every((v) => v !== undefined);
        },
        { timeout: 15_000 },
      )
      .toBe(true);
  });
});
