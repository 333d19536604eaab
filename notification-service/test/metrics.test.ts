import { randomUUID } from "node:crypto";
import { TOPICS, createKafka, dlqTopicOf } from "@coffer/contracts";
import { createTestDatabase, freePort, scrapeMetrics, waitForMails } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { cipher, createEventSource, createSmtpPath, logger, testConfig, untilConsuming } from "./support.js";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let smtp: Awaited<ReturnType<typeof createSmtpPath>>;
let app: FastifyInstance;
let port: number;
const events = createEventSource();
const scrape = () => scrapeMetrics(port);

beforeAll(async () => {
  db = await createTestDatabase();
  smtp = await createSmtpPath();
  port = await freePort();
  app = await buildApp(
    testConfig({
      DATABASE_URL: db.url,
      JWKS_URL: "http://127.0.0.1:9/jwks",
      SMTP_URL: smtp.url,
      METRICS_PORT: String(port),
    }),
  );
  await untilConsuming(events, db.pool);
});
afterAll(async () => {
  await app?.close();
  await events.close();
  await smtp?.close();
  await db?.drop();
});

/** A registered customer whose verification mail is requested now. */
async function verificationRequested() {
  const customerId = randomUUID();
  const email = `m-${customerId}@example.com`;
  await events.publish(TOPICS.customerRegistered, { customerId, email, displayName: "Ada", locale: "en" });
  const topic = TOPICS.customerEmailVerificationRequested;
  await events.publish(topic, {
    customerId,
    email,
    displayName: "Ada",
    token: cipher.encrypt(`verify-${randomUUID()}`, `${topic}:${customerId}`),
    expiresAt: new Date(Date.now() + 86_400_000),
  });
  return { customerId, email };
}

describe("notification-service's metrics", () => {
  it("when an event is consumed and its mail sent, then the records, the SMTP send time and the delivery log move", async () => {
    const { customerId, email } = await verificationRequested();
    await waitForMails(email, 1);
    const topic = TOPICS.customerEmailVerificationRequested;
    await expect
      .poll(async () => (await scrape()).value("coffer_deliveries", { status: "sent" }), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(1);
    const after = await scrape();
    expect(after.value("coffer_consumer_records_total", { topic, outcome: "processed" })).toBeGreaterThanOrEqual(1);
    expect(after.value("coffer_smtp_send_duration_seconds_count", { outcome: "sent" })).toBeGreaterThanOrEqual(1);
    expect(after.value("coffer_deliveries_oldest_pending_age_seconds")).toBe(0);
    expect(after.value("coffer_dependency_up", { dependency: "smtp" })).toBe(1);
    expect(after.of("coffer_consumer_lag", { topic })).not.toHaveLength(0);
    expect(after.value("coffer_live_streams_open")).toBe(0);
    expect(after.text).not.toContain(customerId);
  });

  it("when SMTP is down, then pending deliveries and their oldest age grow, sends fail and records are retried; once it is back the mail goes", async () => {
    await smtp.cut();
    let down = true;
    try {
      const { email } = await verificationRequested();
      await expect
        .poll(
          async () => {
            const now = await scrape();
            return [
              now.value("coffer_deliveries", { status: "pending" }),
              now.value("coffer_deliveries_oldest_pending_age_seconds"),
              now.value("coffer_dependency_up", { dependency: "smtp" }),
            ];
          },
          { timeout: 40_000, interval: 500 },
        )
        .toEqual([1, expect.any(Number), 0]);
      await expect
        .poll(async () => (await scrape()).value("coffer_deliveries_oldest_pending_age_seconds"), { timeout: 20_000 })
        .toBeGreaterThan(1);
      const failing = await scrape();
      expect(failing.value("coffer_smtp_send_duration_seconds_count", { outcome: "failed" })).toBeGreaterThan(0);
      expect(failing.value("coffer_consumer_records_total", { outcome: "retried" })).toBeGreaterThan(0);
      await smtp.restore();
      down = false;
      await waitForMails(email, 1);
    } finally {
      if (down) await smtp.restore();
    }
  }, 90_000);

  it("when a record cannot be decoded, then it is dead-lettered and its dead-letter topic's depth shows it", async () => {
    const topic = TOPICS.customerRegistered;
    const depth = async () => (await scrape()).value("coffer_dlq_records", { topic: dlqTopicOf(topic) }) ?? 0;
    const before = await depth();
    const producer = createKafka({
      clientId: "metrics-test",
      brokers: process.env.KAFKA_BROKERS!.split(","),
      logger,
    }).producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: randomUUID(), value: Buffer.from("not an event") }] });
    await producer.disconnect();
    await expect
      .poll(async () => (await scrape()).value("coffer_consumer_records_total", { topic, outcome: "dead_lettered" }), {
        timeout: 20_000,
      })
      .toBe(1);
    await expect.poll(depth, { timeout: 20_000, interval: 1000 }).toBeGreaterThan(before);
  });
});
