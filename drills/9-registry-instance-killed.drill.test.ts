import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import {
  createEvent,
  createEventPublisher,
  createEventRegistry,
  createKafka,
  serializeEvent,
  subjectOf,
  TOPICS,
  type EventPublisher,
} from "@coffer/contracts";
import type { Consumer } from "kafkajs";
import { pino } from "pino";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { createCustomer, createTimer, inParallel, startDrillPlatform, type DrillPlatform } from "./support.js";

const execFileAsync = promisify(execFile);
const infraBin = new URL("../infra/bin/infra", import.meta.url).pathname;
// The drills' registry as two instances on its one PostgreSQL store, behind the balancer that takes
// over its address (`infra` with COFFER_REGISTRY_INSTANCES=2): the ids the services and the topics
// already know are the pair's.
const pair = (command: "up" | "down" | "kill", ...components: string[]) =>
  execFileAsync(infraBin, [command, ...components], { env: { ...process.env, COFFER_REGISTRY_INSTANCES: "2" } });
const single = (command: "up" | "down") => execFileAsync(infraBin, [command, "registry"]);

const EVENTS = 60;
const KILL_AFTER = 20;
// A lookup through the balancer that outlasts this has waited for the dead instance.
const MAX_LOOKUP_MS = 2000;

let platform: DrillPlatform;
let registryUrl: string;
beforeAll(async () => {
  await single("down");
  await pair("up", "registry", "registry2", "registry-lb");
  platform = await startDrillPlatform();
  registryUrl = platform.infraEnv.SCHEMA_REGISTRY_URL!;
});
afterAll(async () => {
  await platform?.stop();
  await pair("down", "registry-lb", "registry2", "registry");
  await single("up");
});

/** Every subject's latest schema id, as the registry at `url` answers. */
async function schemaIds(url: string): Promise<Record<string, number>> {
  const subjects = (await (await fetch(`${url}/subjects`)).json()) as string[];
  const ids: Record<string, number> = {};
  for (const subject of subjects.sort()) {
    ids[subject] = ((await (await fetch(`${url}/subjects/${subject}/versions/latest`)).json()) as { id: number }).id;
  }
  return ids;
}

const instanceUrl = (offset: number) => {
  const url = new URL(registryUrl);
  url.port = String(Number(url.port) + offset);
  return url.toString().replace(/\/$/, "");
};

const inboxCount = async (customerId: string) =>
  (
    await platform.notificationsDb.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM inbox WHERE customer_id = $1 AND kind = 'file-uploaded'",
      [customerId],
    )
  ).rows[0]!.n;

const timed = async <T>(task: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const result = await task();
  return [result, performance.now() - started];
};

test("when one of two registry instances is killed while events are published, then no registration or schema lookup waits for it, every event is consumed, and every schema id stays as it was", async () => {
  const time = createTimer("9 registry instance killed");
  const customer = await createCustomer(platform, "registry-ha-drill");
  const topic = TOPICS.fileUploaded;
  const kafka = createKafka({
    clientId: "drills",
    brokers: platform.infraEnv.KAFKA_BROKERS!.split(","),
    logger: pino({ level: "warn" }),
  });
  const topicId = await createEventRegistry(registryUrl).schemaId(topic);
  const idsBefore = await schemaIds(registryUrl);
  expect(idsBefore[subjectOf(topic)]).toBe(topicId);

  // Each record read by a decoder that has never seen its schema id, as a consumer that just started.
  const lookups: number[] = [];
  const failedLookups: string[] = [];
  const consumed = new Set<string>();
  const recordIds = new Set<number>();
  const consumer: Consumer = kafka.consumer({ groupId: `drills-registry-ha-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const value = message.value;
      if (message.key?.toString() !== customer.customerId || !value) return;
      try {
        const [event, ms] = await timed(() => createEventRegistry(registryUrl).decode(topic, value));
        lookups.push(ms);
        recordIds.add(value.readInt32BE(1));
        consumed.add(event.eventId);
      } catch (error) {
        failedLookups.push(String(error));
      }
    },
  });

  let publisher: EventPublisher | undefined;
  try {
    publisher = createEventPublisher(kafka, createEventRegistry(registryUrl));
    const registrations: number[] = [];
    const published: string[] = [];
    await inParallel(
      Array.from({ length: EVENTS }, (_, i) => i),
      1,
      async (i) => {
        if (i === KILL_AFTER) await pair("kill", "registry");
        // Registered by a registry client of its own, as a producer that just started.
        const [id, ms] = await timed(() => createEventRegistry(registryUrl).schemaId(topic));
        expect(id).toBe(topicId);
        registrations.push(ms);
        const event = createEvent(
          topic,
          {
            customerId: customer.customerId,
            fileId: randomUUID(),
            folderId: randomUUID(),
            name: `ha-${i}.bin`,
            size: 1,
            contentType: "application/octet-stream",
            version: 1,
            sha256: "0".repeat(64),
          },
          { correlationId: `drill-registry-ha-${i}`, producer: "drills" },
        );
        await publisher!.publish([
          {
            eventId: event.eventId,
            topic,
            key: customer.customerId,
            payload: serializeEvent(topic, event),
            headers: { "event-type": topic, "correlation-id": event.correlationId },
          },
        ]);
        published.push(event.eventId);
        await new Promise((resolve) => setTimeout(resolve, 100)); // a steady stream, not a burst
      },
    );

    await vi.waitFor(() => expect(consumed.size + failedLookups.length).toBe(EVENTS), {
      timeout: 60_000,
      interval: 250,
    });
    expect(failedLookups).toEqual([]);
    await vi.waitFor(async () => expect(await inboxCount(customer.customerId)).toBe(EVENTS), {
      timeout: 60_000,
      interval: 250,
    });
    expect([...consumed].sort()).toEqual([...published].sort());
    expect([...recordIds]).toEqual([topicId]);
    expect(Math.max(...registrations)).toBeLessThan(MAX_LOOKUP_MS);
    expect(Math.max(...lookups)).toBeLessThan(MAX_LOOKUP_MS);
    expect(await schemaIds(registryUrl)).toEqual(idsBefore);
    expect(await schemaIds(instanceUrl(2))).toEqual(idsBefore);

    await pair("up", "registry");
    expect(await schemaIds(instanceUrl(1))).toEqual(idsBefore);
    time(
      `${EVENTS} events, instance killed after ${KILL_AFTER}: slowest fresh registration ${Math.max(...registrations).toFixed(0)} ms, slowest fresh lookup ${Math.max(...lookups).toFixed(0)} ms, ${Object.keys(idsBefore).length} schema ids unchanged`,
    );
  } finally {
    await publisher?.close();
    await consumer.disconnect();
  }
});
