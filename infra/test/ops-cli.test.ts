import { randomUUID } from "node:crypto";
import { TOPICS, createFieldCipher } from "@coffer/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTopic, kafka, ops, produceEvents, producer, spawnOps, uniqueId } from "./ops-support.js";

let topic: string;
const customerId = randomUUID();
const cipher = createFieldCipher([{ id: "ops-test", key: Buffer.alloc(32, 3) }]);

beforeAll(async () => {
  await producer.connect();
  topic = await createTopic("cli");
  const verification = TOPICS.customerEmailVerificationRequested;
  await produceEvents(topic, verification, [
    {
      customerId,
      email: "ada.lovelace@example.com",
      displayName: "Ada",
      token: cipher.encrypt("secret-token-never-shown", `${verification}:${customerId}`),
      expiresAt: new Date(Date.now() + 3_600_000),
    },
  ]);
  await produceEvents(topic, TOPICS.customerRegistered, [
    { customerId, email: "ada.lovelace@example.com", displayName: "Ada", locale: "en" },
    { customerId: randomUUID(), email: "bob@example.org", displayName: "Bob", locale: "fr" },
  ]);
});

afterAll(async () => {
  await producer.disconnect();
});

describe("coffer-ops: every command explains itself and fails in one line", () => {
  it("when asked for --help, then each command answers with its options and the exit codes, exit 0", async () => {
    for (const command of [
      [],
      ["topics"],
      ["lag"],
      ["tail"],
      ["replay", "reset"],
      ["replay", "republish"],
      ["dlq", "park"],
    ]) {
      const run = await ops(...command, "--help");
      expect(run.code, command.join(" ")).toBe(0);
      expect(run.stdout).toContain("Usage: coffer-ops");
      expect(run.stdout).toContain("4  refused");
      expect(run.stdout).toContain("--json");
    }
  });

  it("when run as a process with bad input or servers that are down, then one line on stderr and a distinct exit code, fast", async () => {
    const cases: { argv: string[]; env?: Record<string, string>; code: number; line: RegExp }[] = [
      { argv: ["tail", uniqueId("no.such.topic")], code: 3, line: /^coffer-ops: unknown topic no\.such\.topic-/ },
      { argv: ["lag", uniqueId("no-such-group")], code: 3, line: /^coffer-ops: unknown group no-such-group-/ },
      { argv: ["tail", topic, "--from", "yesterday"], code: 2, line: /--from: "yesterday" is not earliest, latest/ },
      {
        argv: ["replay", "reset", "--group", "g", "--topic", topic, "--to", "2026-13-45T99:00"],
        code: 2,
        line: /--to: "2026-13-45T99:00" is not an ISO 8601 time/,
      },
      { argv: ["replay", "reset", "--group", "g", "--topic", topic, "--to", "shift:x"], code: 2, line: /shift:\+N/ },
      { argv: ["tail", topic, "--no-such-option"], code: 2, line: /unknown option '--no-such-option'/ },
      {
        argv: ["--brokers", "127.0.0.1:1", "topics"],
        code: 5,
        line: /^coffer-ops: Kafka at 127\.0\.0\.1:1 is unavailable/,
      },
      {
        argv: ["--registry", "http://127.0.0.1:1", "tail", topic, "--count", "1"],
        code: 5,
        line: /^coffer-ops: the schema registry at http:\/\/127\.0\.0\.1:1 is unavailable/,
      },
      { argv: ["topics"], env: { KAFKA_BROKERS: "" }, code: 2, line: /KAFKA_BROKERS/ },
    ];
    for (const { argv, env, code, line } of cases) {
      const started = Date.now();
      const { exited } = spawnOps(argv, env);
      const result = await exited;
      expect(result.code, argv.join(" ")).toBe(code);
      const lines = result.stderr.trim().split("\n");
      expect(lines, argv.join(" ")).toHaveLength(1);
      expect(lines[0]).toMatch(line);
      expect(result.stderr).not.toMatch(/\n\s+at /); // never a stack
      expect(Date.now() - started, argv.join(" ")).toBeLessThan(10_000);
    }
  });
});

describe("coffer-ops topics, groups, lag", () => {
  it("when listing topics, then each has its partitions, message count and retention", async () => {
    const run = await ops("--json", "topics", topic);
    expect(run.code).toBe(0);
    expect(run.json()).toEqual({
      topics: [{ topic, partitions: 3, messages: "3", retentionMs: 604_800_000, cleanupPolicy: "delete" }],
    });
    expect((await ops("topics", topic)).stdout).toMatch(
      new RegExp(`${topic.replaceAll(".", "\\.")}\\s+3\\s+3\\s+7d\\s+delete`),
    );
  });

  it("when a group consumes, then groups and lag show its state, its member and per-partition committed, end and lag", async () => {
    const groupId = uniqueId("ops-test-lag");
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 500 });
    let seen = 0;
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async () => void (seen += 1) });
    try {
      await expect.poll(() => seen, { timeout: 20_000 }).toBe(3);
      await expect
        .poll(async () => (await ops("--json", "lag", groupId)).json<{ totalLag: string }>().totalLag, {
          timeout: 20_000,
        })
        .toBe("0");
      const lag = (await ops("--json", "lag", groupId)).json<{
        state: string;
        members: { clientId: string; assignment: Record<string, number[]> }[];
        partitions: { topic: string; committed: string | null; end: string; lag: string }[];
      }>();
      expect(lag.state).toBe("Stable");
      expect(lag.members).toHaveLength(1);
      expect(lag.members[0]!.assignment[topic]!.sort()).toEqual([0, 1, 2]);
      expect(lag.partitions.map((p) => p.topic)).toEqual([topic, topic, topic]);
      expect(lag.partitions.every((p) => p.committed === null || p.committed === p.end)).toBe(true);
      const groups = (await ops("--json", "groups", groupId)).json<{ groups: unknown[] }>();
      expect(groups.groups).toEqual([{ groupId, state: "Stable", protocolType: "consumer", members: 1 }]);
    } finally {
      await consumer.disconnect();
    }
    await produceEvents(topic, TOPICS.customerDeleted, [{ customerId }]);
    const after = (await ops("--json", "lag", groupId)).json<{ state: string; totalLag: string }>();
    expect(after).toMatchObject({ state: "Empty", totalLag: "1" });
  });
});

describe("coffer-ops tail", () => {
  it("when tailing, then records are decoded through the registry with their headers; secrets hidden, addresses masked", async () => {
    const run = await ops("--json", "tail", topic, "--from", "earliest", "--count", "3");
    expect(run.code).toBe(0);
    const records = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(records).toHaveLength(3);
    const verification = records.find((r) => r.headers["event-type"] === TOPICS.customerEmailVerificationRequested);
    expect(verification.key).toBe(customerId);
    expect(verification.headers["correlation-id"]).toMatch(/^ops-/);
    expect(verification.value).toMatchObject({ customerId, email: "a***@example.com", token: "<encrypted>" });
    expect(verification.value.expiresAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(run.stdout).not.toContain("ada.lovelace");
    expect(run.stdout).not.toContain("secret-token");
    expect(run.stdout).not.toContain("enc1.");

    const pii = await ops("tail", topic, "--from", "earliest", "--show-pii");
    expect(pii.stdout).toContain('"email": "ada.lovelace@example.com"');
    expect(pii.stdout).toContain('"token": "<encrypted>"'); // a secret stays hidden even then
    expect(pii.stdout).toContain("  event-type: customer.registered.v1");
  });

  it("when filtering by key, type or correlation id, then only the matching records are shown", async () => {
    const byKey = await ops("--json", "tail", topic, "--key", customerId, "--type", "customer.registered");
    const lines = byKey.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.key, l.headers["event-type"]])).toEqual([[customerId, TOPICS.customerRegistered]]);
    const correlationId = lines[0].headers["correlation-id"];
    const byCorrelation = await ops("--json", "tail", topic, "--correlation-id", correlationId);
    expect(byCorrelation.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("when following, then records produced afterwards are shown as they arrive", async () => {
    const follower = ops("--json", "tail", topic, "--follow", "--from", "latest", "--count", "1");
    const marker = randomUUID();
    // The follower starts at the end it sees: produce until it has shown our record.
    let result: Awaited<typeof follower> | undefined;
    void follower.then((r) => (result = r));
    await expect
      .poll(
        async () => {
          if (!result) await produceEvents(topic, TOPICS.customerDeleted, [{ customerId: marker }]);
          return result !== undefined;
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe(true);
    expect(JSON.parse(result!.stdout.trim()).value.customerId).toBe(marker);
  });
});
