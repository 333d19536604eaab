import { randomBytes, randomUUID } from "node:crypto";
import { freePort } from "@coffer/contracts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFileService, type RunningFileService } from "../../file-service/test/fixture.js";
import { ops } from "./ops-support.js";

let service: RunningFileService;
let metricsUrl: string;

beforeAll(async () => {
  const port = await freePort();
  service = await startFileService({ METRICS_PORT: String(port) });
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
});
afterAll(async () => {
  await service?.close();
});

type Status = {
  outbox: { service: string; pending: number; oldestAgeSeconds: number }[];
  lag: { group: string; topic: string; lag: number }[];
  dlq: { topic: string; records: number }[];
  unreachable: { url: string }[];
};

describe("coffer-ops status", () => {
  it("when the services serve their metrics, then one screen shows each outbox, the lag per group and topic, and the dead-letter topics", async () => {
    const auth = { authorization: `Bearer ${await service.issuer.token(randomUUID())}` };
    const form = new FormData();
    form.append("file", new Blob([randomBytes(100)], { type: "text/plain" }), "notes.txt");
    expect((await fetch(`${service.base}/files`, { method: "POST", headers: auth, body: form })).status).toBe(201);

    const json = await ops("status", "--metrics", metricsUrl, "--json");
    expect(json.code).toBe(0);
    const status = json.json<Status>();
    expect(status.outbox).toEqual([
      { service: "file-service", pending: expect.any(Number), oldestAgeSeconds: expect.any(Number) },
    ]);
    expect(status.lag.map((l) => l.group)).toContain(service.config.consumerGroup);
    expect(status.dlq.every((d) => d.topic.endsWith(".dlq"))).toBe(true);
    expect(status.dlq.length).toBeGreaterThan(0);
    expect(status.unreachable).toEqual([]);

    const screen = await ops("status", "--metrics", metricsUrl);
    expect(screen.code).toBe(0);
    expect(screen.stdout).toMatch(/^OUTBOX\nSERVICE +PENDING +OLDEST\nfile-service +\d+ +\d+s$/m);
    expect(screen.stdout).toContain("CONSUMER LAG");
    expect(screen.stdout).toContain("DEAD LETTERS");
  });

  it("when an instance cannot be scraped, then the others are still shown, it is named, and the exit code is 5", async () => {
    const closed = `http://127.0.0.1:${await freePort()}/metrics`;
    const run = await ops("status", "--metrics", `${metricsUrl},${closed}`, "--json");
    expect(run.code).toBe(5);
    const status = run.json<Status>();
    expect(status.unreachable.map((u) => u.url)).toEqual([closed]);
    expect(status.outbox.map((o) => o.service)).toEqual(["file-service"]);
  });
});
