import { randomUUID } from "node:crypto";
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
const markedPartitions = new Set<number>();
/** The signals each member handed its handlers. */
const signals = new Map<string, Set<AbortSignal>>();
const lines: { member: string; level: number; msg: string }[] = [];

function member(name: string): ConsumerRunner {
  const capture = pino(
    { level: "info" },
    { write: (line: string) => void lines.push({ member: name, ...JSON.parse(line) }) },
  );
  const runner = createConsumerRunner({
    kafka: createKafka({ clientId: `rebalance-${name}`, brokers, logger: capture }),
    registry,
    groupId,
    logger: capture,
    fromBeginning: false,
    sessionTimeoutMs: 10_000,
    // Waits in a handler stay under 3 s; the backoff grows to 2 s, so the partitions get paused.
    retry: { attempts: 1000, initialDelayMs: 300, maxDelayMs: 2000, maxWaitInHandlerMs: 3000 },
    store: createPgIdempotencyStore(db.pool),
    handlers: {
      [topic]: async (event, { db: tx, signal, partition }) => {
        if (!event.fileName.startsWith(prefix)) return;
        if (event.fileName.endsWith("marker")) return void markedPartitions.add(partition);
        signals.set(name, (signals.get(name) ?? new Set()).add(signal));
        handledBy.set(event.eventId, [...(handledBy.get(event.eventId) ?? []), name]);
        if (!dependencyUp) throw new AppError("DEPENDENCY_DOWN", "the dependency is down", { retriable: true });
        await tx.query("INSERT INTO effects (event_id, member) VALUES ($1, $2)", [event.eventId, name]);
      },
    },
  });
  runners.push(runner);
  return runner;
}

async function publish(fileName: string): Promise<ShareAccessedV1> {
  const event = { ...sampleEvent(topic, randomUUID(), uniqueId("owner")), fileName };
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
        if (markedPartitions.size === DEFAULT_PARTITIONS) return;
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
