import { randomBytes } from "node:crypto";
import {
  createEvent,
  createEventPublisher,
  createEventRegistry,
  createKafka,
  serializeEvent,
  TOPICS,
} from "@coffer/contracts";
import { pino } from "pino";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { createCustomer, createTimer, infra, startDrillPlatform, upload, type DrillPlatform } from "./support.js";

let platform: DrillPlatform;
beforeAll(async () => {
  platform = await startDrillPlatform();
});
afterAll(async () => {
  await infra("up", "registry");
  await platform?.stop();
});

const inboxCount = async (customerId: string) =>
  (
    await platform.notificationsDb.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM inbox WHERE customer_id = $1 AND kind = 'file-uploaded'",
      [customerId],
    )
  ).rows[0]!.n;

// A producer that has registered its schema keeps publishing without the registry (ids are cached
// per process), so the drill restarts file-service while the registry is down: a fresh producer
// must keep its events pending in the outbox. The consumer's side is a producer with a cached id
// (the drill's own) whose events notification-service, with the writer schema cached, reads.
test("when the schema registry is stopped, then a fresh producer keeps its outbox events pending and publishes them after it returns, consumers with cached schemas keep consuming, and the late event reaches the inbox", async () => {
  const time = createTimer("7 schema registry stopped");
  const customer = await createCustomer(platform, "registry-drill");
  const fileUrl = platform.services.file.url;
  expect((await upload(fileUrl, customer.accessToken, "before.bin", randomBytes(1024))).status).toBe(201);
  await vi.waitFor(async () => expect(await inboxCount(customer.customerId)).toBe(1), {
    timeout: 60_000,
    interval: 250,
  });
  const kafka = createKafka({
    clientId: "drills",
    brokers: platform.infraEnv.KAFKA_BROKERS!.split(","),
    logger: pino({ level: "warn" }),
  });
  const publisher = createEventPublisher(kafka, createEventRegistry(platform.infraEnv.SCHEMA_REGISTRY_URL!));
  const publish = async (name: string) => {
    const event = createEvent(
      TOPICS.fileUploaded,
      {
        customerId: customer.customerId,
        fileId: crypto.randomUUID(),
        folderId: crypto.randomUUID(),
        name,
        size: 1,
        contentType: "application/octet-stream",
        version: 1,
        sha256: "0".repeat(64),
      },
      { correlationId: `drill-${name}`, producer: "drills" },
    );
    await publisher.publish([
      {
        eventId: event.eventId,
        topic: TOPICS.fileUploaded,
        key: customer.customerId,
        payload: serializeEvent(TOPICS.fileUploaded, event),
        headers: { "event-type": TOPICS.fileUploaded, "correlation-id": event.correlationId },
      },
    ]);
  };
  try {
    await publish("warm-up.bin"); // registers (or looks up) the schema id, now cached
    await vi.waitFor(async () => expect(await inboxCount(customer.customerId)).toBe(2), {
      timeout: 60_000,
      interval: 250,
    });

    await infra("down", "registry");
    await platform.services.file.stop();
    await platform.services.file.start(); // ready: the registry is reported apart, uploads do not need it
    const pending = await upload(fileUrl, customer.accessToken, "during.bin", randomBytes(1024));
    expect(pending.status).toBe(201);
    const attempts = await vi.waitFor(
      async () => {
        const { rows } = await platform.filesDb.query<{ attempts: number }>("SELECT attempts FROM event_outbox");
        expect(rows).toHaveLength(1);
        expect(rows[0]!.attempts).toBeGreaterThan(0);
        return rows[0]!.attempts;
      },
      { timeout: 60_000, interval: 250 },
    );
    await publish("cached.bin");
    await vi.waitFor(async () => expect(await inboxCount(customer.customerId)).toBe(3), {
      timeout: 60_000,
      interval: 250,
    });

    await infra("up", "registry");
    await vi.waitFor(
      async () => {
        const { rowCount } = await platform.filesDb.query("SELECT 1 FROM event_outbox");
        expect(rowCount).toBe(0);
      },
      { timeout: 120_000, interval: 500 },
    );
    // …and notification-service reads it: the inbox has the upload made during the outage.
    await vi.waitFor(async () => expect(await inboxCount(customer.customerId)).toBe(4), {
      timeout: 120_000,
      interval: 500,
    });
    time(
      `outbox event pending through ${attempts}+ failed publish attempts, published and consumed after; a cached-schema event consumed during the outage`,
    );
  } finally {
    await publisher.close();
  }
});
