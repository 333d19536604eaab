import { randomUUID } from "node:crypto";
import { Partitioners } from "kafkajs";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  AppError,
  DEFAULT_PARTITIONS,
  TOPICS,
  createConsumerRunner,
  createEventPublisher,
  createEventRegistry,
  createKafka,
  createPgIdempotencyStore,
  serializeEvent,
  type ConsumerRunner,
  type ShareAccessedV1,
} from "../src/index.js";
import { sampleEvent } from "./samples.js";
import { brokers, createTestDatabase, logger, registryUrl, uniqueId } from "./support.js";

const topic = TOPICS.shareAccessed;
const registry = createEventRegistry(registryUrl);
const publisher = createEventPublisher(createKafka({ clientId: "rebalance-test", brokers, logger }), registry);
const groupId = uniqueId("rebalance-test");
const prefix = uniqueId("rebalance");
let db: Awaited<ReturnType<typeof createTestDatabase>>;
const runners: ConsumerRunner[] = [];

/** The dependency every handler of this file needs, down until a test brings it back. */
let dependencyUp = false;
const handledBy = new Map<string, string[]>();
/** The partitions on which each member has handled a marker. */
const marked = new Map<string, Set<number>>();
/** The signals each member handed its handlers. */
const signals = new Map<string, Set<AbortSignal>>();
const lines: { member: string; level: number; msg: string }[] = [];

function member(name: string, group = groupId): ConsumerRunner {
  const capture = pino(
    { level: "info" },
    { write: (line: string) => void lines.push({ member: name, ...JSON.parse(line) }) },
  );
  const runner = createConsumerRunner({
    kafka: createKafka({ clientId: `rebalance-${name}`, brokers, logger: capture }),
    registry,
    groupId: group,
    logger: capture,
    fromBeginning: false,
    sessionTimeoutMs: 10_000,
    // Waits in a handler stay under 3 s; the backoff grows to 2 s, so the partitions get paused.
    retry: { attempts: 1000, initialDelayMs: 300, maxDelayMs: 2000, maxWaitInHandlerMs: 3000 },
    store: createPgIdempotencyStore(db.pool),
    handlers: {
      [topic]: async (event, { db: tx, signal, partition }) => {
        if (!event.fileName.startsWith(prefix)) return;
        if (event.fileName.endsWith("marker"))
          return void marked.set(name, (marked.get(name) ?? new Set()).add(partition));
        signals.set(name, (signals.get(name) ?? new Set()).add(signal));
        handledBy.set(event.eventId, [...(handledBy.get(event.eventId) ?? []), name]);
        if (!dependencyUp && !event.fileName.includes("free"))
          throw new AppError("DEPENDENCY_DOWN", "the dependency is down", { retriable: true });
        await tx.query("INSERT INTO effects (event_id, member) VALUES ($1, $2)", [event.eventId, name]);
      },
    },
  });
  runners.push(runner);
  return runner;
}

const effectsOf = async (name: string, events: ShareAccessedV1[]) =>
  (
    await db.pool.query<{ event_id: string }>("SELECT event_id FROM effects WHERE member = $1 AND event_id = ANY($2)", [
      name,
      events.map((e) => e.eventId),
    ])
  ).rows.map((r) => r.event_id);

type CustomerId = ReturnType<typeof randomUUID>;

async function publish(fileName: string, customerId: CustomerId = randomUUID()): Promise<ShareAccessedV1> {
  const event = { ...sampleEvent(topic, customerId, uniqueId("owner")), fileName };
  await publisher.publish([
    {
      eventId: event.eventId,
      topic,
      key: event.customerId,
      payload: serializeEvent(topic, event),
      headers: { "event-type": topic, "correlation-id": event.correlationId },
    },
  ]);
  return event;
}

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query("CREATE TABLE effects (event_id uuid NOT NULL, member text NOT NULL)");
});

afterAll(async () => {
  for (const runner of runners) await runner.stop();
  await publisher.close();
  await db?.drop();
});

describe("the consumer runner in a group that rebalances", () => {
  it("when a second member joins while the first is stuck on a dependency that is down, then the group rebalances at once, nobody is evicted, and every event is handled once when the dependency is back", async () => {
    const first = member("first");
    await first.start();
    // A group that starts at the end of its partitions commits a position only where it handled
    // a record; after a rebalance the others would start at their end again: mark every partition.
    await vi.waitFor(
      async () => {
        if (marked.get("first")?.size === DEFAULT_PARTITIONS) return;
        await publish(`${prefix}-marker`);
        throw new Error("not every partition has a committed position yet");
      },
      { timeout: 30_000, interval: 300 },
    );

    const events = await Promise.all(Array.from({ length: 30 }, (_, i) => publish(`${prefix}-${i}`)));
    // The first member is retrying, then pausing its partitions, on the dependency that is down.
    await expect
      .poll(() => lines.some((l) => l.member === "first" && l.msg.includes("partition paused")), { timeout: 20_000 })
      .toBe(true);

    const joinStarted = Date.now();
    await member("second").start();
    // A member stuck in its handler would hold the join up to the rebalance timeout (60 s), then be evicted.
    expect(Date.now() - joinStarted).toBeLessThan(20_000);

    dependencyUp = true;
    await expect
      .poll(
        async () =>
          (
            await db.pool.query("SELECT count(DISTINCT event_id)::int AS n FROM effects WHERE event_id = ANY($1)", [
              events.map((e) => e.eventId),
            ])
          ).rows[0].n,
        { timeout: 60_000, interval: 500 },
      )
      .toBe(events.length);

    const { rows } = await db.pool.query<{ member: string; n: number }>(
      "SELECT member, count(*)::int AS n, count(DISTINCT event_id)::int AS d FROM effects WHERE event_id = ANY($1) GROUP BY member",
      [events.map((e) => e.eventId)],
    );
    expect(rows.reduce((sum, r) => sum + r.n, 0)).toBe(events.length);
    // The partitions were shared: the second member handled some of the events that had waited.
    expect(rows.map((r) => r.member).sort()).toEqual(["first", "second"]);
    // The rebalance aborted the first member's handlers (and their waits).
    expect([...(signals.get("first") ?? [])].some((signal) => signal.aborted)).toBe(true);
    const evicted = lines.filter((l) => /not aware of this member|Crash/i.test(l.msg));
    expect(evicted).toEqual([]);
  }, 120_000);
});

describe("the consumer runner with a record that keeps failing", () => {
  it("when a record fails longer than a handler may wait, then its partition is paused and resumed until the record is handled once, while the other partitions go on", async () => {
    dependencyUp = false;
    const solo = member("solo", uniqueId("pause-test"));
    await solo.start();
    await vi.waitFor(
      async () => {
        if (marked.get("solo")?.size) return;
        await publish(`${prefix}-marker`);
        throw new Error("not consuming yet");
      },
      { timeout: 30_000, interval: 300 },
    );
    const blocked = await publish(`${prefix}-blocked`);
    const free = await Promise.all(Array.from({ length: 12 }, (_, i) => publish(`${prefix}-free-${i}`)));
    const paused = () => lines.filter((l) => l.member === "solo" && l.msg.includes("partition paused")).length;

    // Paused, resumed, fetched again, failed again, paused again: the record is not lost on the way.
    await expect.poll(paused, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    // The events of the other partitions did not wait for it.
    expect((await effectsOf("solo", free)).length).toBeGreaterThan(0);
    expect(await effectsOf("solo", [blocked])).toEqual([]);

    dependencyUp = true;
    await expect
      .poll(() => effectsOf("solo", [blocked]), { timeout: 30_000, interval: 200 })
      .toEqual([blocked.eventId]);
    await expect
      .poll(async () => (await effectsOf("solo", free)).length, { timeout: 30_000, interval: 200 })
      .toBe(free.length);
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS n FROM effects WHERE member = 'solo' AND event_id = ANY($1)",
      [[blocked, ...free].map((e) => e.eventId)],
    );
    expect(rows[0].n).toBe(free.length + 1);
  }, 120_000);
});

/** A customer id whose events the publisher's partitioner puts on `partition`. */
function customerOn(partition: number): CustomerId {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: DEFAULT_PARTITIONS }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  for (;;) {
    const customerId = randomUUID();
    if (partitioner({ topic, partitionMetadata, message: { key: customerId, value: null } }) === partition)
      return customerId;
  }
}

describe("the consumer runner handing over a partition it never committed", () => {
  it("when the member of a group that starts at the end dies before handling any record of a partition, then the member that takes the partition over starts at that record, not at the end", async () => {
    dependencyUp = false;
    const group = uniqueId("handover-test");
    const gone = member("gone", group);
    await gone.start();
    // Consuming (its positions resolved) once it handled a marker, which commits partition 0 only.
    const markers = customerOn(0);
    await vi.waitFor(
      async () => {
        if (marked.get("gone")?.has(0)) return;
        await publish(`${prefix}-marker`, markers);
        throw new Error("not consuming yet");
      },
      { timeout: 30_000, interval: 300 },
    );
    // Every record of partition 1 fails while the dependency is down: none is handled, none committed.
    const stalled = customerOn(1);
    const events = await Promise.all(Array.from({ length: 5 }, (_, i) => publish(`${prefix}-stalled-${i}`, stalled)));
    await expect
      .poll(() => handledBy.get(events[0]!.eventId)?.includes("gone") ?? false, { timeout: 20_000 })
      .toBe(true);
    await gone.stop();

    dependencyUp = true;
    await member("heir", group).start();
    await expect
      .poll(async () => (await effectsOf("heir", events)).length, { timeout: 30_000, interval: 300 })
      .toBe(events.length);
    expect(await effectsOf("gone", events)).toEqual([]);
  }, 90_000);
});
