import { randomBytes, randomUUID } from "node:crypto";
import { freePort, scrapeMetrics } from "@coffer/contracts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOwnKafka, type OwnKafka } from "./own-kafka.js";
import { startFileService, type RunningFileService } from "../../file-service/test/fixture.js";

// Kafka of this test's own, stopped and started again: the shared one serves every other test.
let kafka: OwnKafka;
let service: RunningFileService;
let port: number;

beforeAll(async () => {
  kafka = await startOwnKafka({});
  port = await freePort();
  service = await startFileService({ KAFKA_BROKERS: kafka.env.KAFKA_BROKERS!, METRICS_PORT: String(port) });
}, 180_000);
afterAll(async () => {
  await service?.close();
  await kafka?.stop();
});

async function upload() {
  const auth = { authorization: `Bearer ${await service.issuer.token(randomUUID())}` };
  const form = new FormData();
  form.append("file", new Blob([randomBytes(1000)], { type: "text/plain" }), "notes.txt");
  const answer = await fetch(`${service.base}/files`, { method: "POST", headers: auth, body: form });
  expect(answer.status).toBe(201);
}

const outbox = async () => {
  const scrape = await scrapeMetrics(port);
  return {
    pending: scrape.value("coffer_outbox_pending_events"),
    age: scrape.value("coffer_outbox_oldest_pending_age_seconds") ?? 0,
    kafka: scrape.value("coffer_dependency_up", { dependency: "kafka" }),
  };
};

describe("the outbox's metrics through a Kafka outage", () => {
  it("when Kafka is down, then the outbox's oldest pending age grows (what its alert watches) and Kafka shows down; once it is back the outbox drains", async () => {
    await upload();
    await expect.poll(async () => (await outbox()).pending, { timeout: 20_000 }).toBe(0);

    await kafka.infra("kill", "kafka");
    try {
      await upload();
      await expect.poll(async () => (await outbox()).age, { timeout: 30_000, interval: 1000 }).toBeGreaterThan(5);
      const down = await outbox();
      expect(down.pending).toBeGreaterThanOrEqual(1);
      expect(down.kafka).toBe(0);
    } finally {
      await kafka.infra("up", "kafka");
    }
    await expect
      .poll(
        async () => {
          const { pending, age } = await outbox();
          return { pending, age };
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toEqual({ pending: 0, age: 0 });
  }, 150_000);
});
