import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { REPLAY_HEADERS, TOPICS } from "@coffer/contracts";
import type { Consumer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  auditEnd,
  auditOf,
  committed,
  createTopic,
  kafka,
  ops,
  produceEvents,
  producer,
  readAll,
  spawnOps,
  stateHome,
  uniqueId,
} from "./ops-support.js";

let auditFrom: Map<number, string>;
const operator = uniqueId("ops-tester");

beforeAll(async () => {
  await producer.connect();
  auditFrom = await auditEnd();
});
afterAll(async () => {
  await producer.disconnect();
});

const registered = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    customerId: randomUUID(),
    email: `r${i}@example.com`,
    displayName: `R${i}`,
    locale: "en",
  }));

async function startConsumer(groupId: string, topic: string, seen: string[]): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => void seen.push(`${partition}:${message.offset}`),
  });
  return consumer;
}

describe("coffer-ops replay reset", () => {
  it("when the group runs, then the reset is refused naming its members; a dry run changes nothing; once stopped, it is applied and audited", async () => {
    const topic = await createTopic("reset");
    await produceEvents(topic, TOPICS.customerRegistered, registered(6));
    const groupId = uniqueId("ops-test-reset");
    const seen: string[] = [];
    const consumer = await startConsumer(groupId, topic, seen);
    await expect.poll(() => seen.length, { timeout: 20_000 }).toBe(6);
    await expect
      .poll(
        async () => Object.values(await committed(groupId, topic)).reduce((sum, o) => sum + Math.max(0, Number(o)), 0),
        {
          timeout: 20_000,
        },
      )
      .toBe(6);
    const consumed = await committed(groupId, topic);
    const reset = ["replay", "reset", "--group", groupId, "--topic", topic, "--to", "earliest"];

    const refused = await ops("--operator", operator, ...reset, "--execute");
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(
      new RegExp(`^coffer-ops: group ${groupId} has 1 active member\\(s\\): .*client ops-test`),
    );
    expect(await committed(groupId, topic)).toEqual(consumed);

    await consumer.disconnect();
    const dry = await ops("--json", ...reset);
    expect(dry.code).toBe(0);
    const plan = dry.json<{ executed: boolean; steps: { before: string; after: string; reconsume: string }[] }>();
    expect(plan.executed).toBe(false);
    expect(plan.steps.map((s) => s.after)).toEqual(["0", "0", "0"]);
    expect(plan.steps.reduce((sum, s) => sum + Number(s.reconsume), 0)).toBe(6);
    expect(await committed(groupId, topic)).toEqual(consumed);

    const shift = await ops("--json", "replay", "reset", "--group", groupId, "--topic", topic, "--to", "shift:-1");
    for (const step of shift.json<{ steps: { before: string; after: string }[] }>().steps) {
      expect(Number(step.after)).toBe(Math.max(0, Number(step.before) - 1));
    }

    const applied = await ops("--json", "--operator", operator, ...reset, "--execute");
    expect(applied.code).toBe(0);
    const { actionId } = applied.json<{ actionId: string }>();
    expect(await committed(groupId, topic)).toEqual({ 0: "0", 1: "0", 2: "0" });

    const again: string[] = [];
    const restarted = await startConsumer(groupId, topic, again);
    await expect.poll(() => again.length, { timeout: 20_000 }).toBe(6);
    await restarted.disconnect();

    const audit = await auditOf(actionId, auditFrom);
    expect(audit.map((a) => a.phase)).toEqual(["started", "completed"]);
    expect(audit[0]).toMatchObject({ operator, command: "replay reset", producer: "coffer-ops", result: null });
    expect(audit[0]!.arguments).toEqual(["--json", "--operator", operator, ...reset, "--execute"]);
    expect(JSON.parse(audit[0]!.plan)).toMatchObject({ group: groupId, topic, to: "earliest" });
    expect(JSON.parse(audit[1]!.result!).changed).toHaveLength(3);
  });
});

describe("coffer-ops replay republish", () => {
  it("when records are republished, then key, value and headers are preserved with the replay headers; the loop guard stops at --max-replays", async () => {
    const source = await createTopic("republish-source");
    const copies = await createTopic("republish-copies");
    const again = await createTopic("republish-again");
    const events = await produceEvents(source, TOPICS.customerRegistered, registered(3), {
      headers: { "x-custom": "keep-me" },
    });
    await produceEvents(source, TOPICS.customerDeleted, [{ customerId: randomUUID() }]);
    const originals = await readAll(source, 4);
    const copy = [
      "replay",
      "republish",
      "--from-topic",
      source,
      "--to-topic",
      copies,
      "--type",
      TOPICS.customerRegistered,
    ];

    const dry = await ops("--json", ...copy, "--resend");
    expect(dry.code).toBe(0);
    expect(dry.json()).toMatchObject({ executed: false, selected: 3, refused: 0 });
    expect((await ops("--json", "topics", copies)).json()).toMatchObject({ topics: [{ messages: "0" }] });

    const run = await ops("--json", "--operator", operator, ...copy, "--resend", "--execute");
    expect(run.code).toBe(0);
    const { replayId, copied } = run.json<{ replayId: string; copied: number }>();
    expect(copied).toBe(3);
    const copiedRecords = await readAll(copies, 3);
    expect(copiedRecords).toHaveLength(3);
    for (const record of copiedRecords) {
      const original = originals.find((o) => o.value!.equals(record.value!))!;
      expect(original, "the value bytes are the original's").toBeDefined();
      expect(record.key!.equals(original.key!)).toBe(true);
      for (const [name, value] of Object.entries(original.headers!)) {
        expect(record.headers![name]!.toString(), name).toBe(value!.toString());
      }
      expect(record.headers!["x-custom"]!.toString()).toBe("keep-me");
      expect(record.headers![REPLAY_HEADERS.id]!.toString()).toBe(replayId);
      expect(record.headers![REPLAY_HEADERS.count]!.toString()).toBe("1");
      expect(record.headers![REPLAY_HEADERS.resend]!.toString()).toBe("true");
      expect(new Date(record.headers![REPLAY_HEADERS.replayedAt]!.toString()).getTime()).toBeGreaterThan(0);
    }
    expect(new Set(copiedRecords.map((r) => r.key!.toString()))).toEqual(new Set(events.map((e) => e.customerId)));
    const audit = await auditOf(replayId, auditFrom);
    expect(audit.map((a) => a.phase)).toEqual(["started", "completed"]);
    expect(JSON.parse(audit[1]!.result!)).toEqual({ copied: 3, refused: 0 });

    // A replay of a replay counts on, and a plain one does not carry the earlier --resend.
    const second = await ops("--json", "replay", "republish", "--from-topic", copies, "--to-topic", again, "--execute");
    expect(second.code).toBe(0);
    for (const record of await readAll(again, 3)) {
      expect(record.headers![REPLAY_HEADERS.count]!.toString()).toBe("2");
      expect(record.headers![REPLAY_HEADERS.resend]).toBeUndefined();
    }

    const guarded = await ops(
      "--json",
      "replay",
      "republish",
      "--from-topic",
      again,
      "--max-replays",
      "2",
      "--execute",
    );
    expect(guarded.code).toBe(4);
    expect(guarded.json()).toMatchObject({ copied: 0, refused: 3 });
    expect((await ops("--json", "topics", again)).json()).toMatchObject({ topics: [{ messages: "3" }] });
  });

  it("when a long republish crashes, then --resume copies the rest under the same replay id", async () => {
    const source = await createTopic("resume-source");
    const target = await createTopic("resume-target");
    const events = await produceEvents(source, TOPICS.customerRegistered, registered(30));
    const crashing = spawnOps([
      "replay",
      "republish",
      "--from-topic",
      source,
      "--to-topic",
      target,
      "--rate",
      "10/s",
      "--execute",
    ]);
    const replayId = await vi.waitFor(
      () => {
        const match = /^replay (\S+): checkpoint/m.exec(crashing.output().stderr);
        if (!match) throw new Error("no replay id yet");
        return match[1]!;
      },
      { timeout: 20_000, interval: 100 },
    );
    const checkpointFile = join(stateHome, "coffer-ops", "replays", `${replayId}.json`);
    await vi.waitFor(
      async () => {
        const { copied } = JSON.parse(await readFile(checkpointFile, "utf8")) as { copied: number };
        if (copied < 8) throw new Error(`${copied} copied`);
      },
      { timeout: 20_000, interval: 100 },
    );
    crashing.child.kill("SIGKILL");
    expect((await crashing.exited).signal).toBe("SIGKILL");
    const checkpoint = JSON.parse(await readFile(checkpointFile, "utf8")) as { copied: number; status: string };
    expect(checkpoint.status).toBe("running");
    expect(checkpoint.copied).toBeLessThan(30);

    const resumed = await ops("--json", "replay", "republish", "--resume", replayId);
    expect(resumed.code).toBe(0);
    expect(resumed.json()).toMatchObject({ replayId, status: "completed", copied: 30 });
    const copies = await readAll(target, 30);
    // At most the one chunk in flight at the crash (1 record at 10/s) is copied twice.
    expect(copies.length).toBeLessThanOrEqual(31);
    expect(new Set(copies.map((c) => c.key!.toString()))).toEqual(new Set(events.map((e) => e.customerId)));
    expect(new Set(copies.map((c) => c.headers![REPLAY_HEADERS.id]!.toString()))).toEqual(new Set([replayId]));
    const audit = await auditOf(replayId, auditFrom);
    expect(audit.map((a) => a.phase)).toEqual(["started", "resumed", "completed"]);

    const done = await ops("replay", "republish", "--resume", replayId);
    expect(done.stdout).toContain("already completed");
    expect((await ops("replay", "republish", "--resume", randomUUID())).code).toBe(3);
  });
});
