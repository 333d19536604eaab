import { randomUUID } from "node:crypto";
import { TOPICS } from "@coffer/contracts";
import { createTestDatabase, mailsTo as mailsToAddress } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp } from "../../notification-service/src/app.js";
import {
  createEventSource,
  createSmtpPath,
  testConfig,
  untilConsuming,
} from "../../notification-service/test/support.js";
import { auditEnd, auditOf, ops, uniqueId } from "./ops-support.js";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: FastifyInstance;
let smtp: Awaited<ReturnType<typeof createSmtpPath>>;
let auditFrom: Map<number, string>;
const events = createEventSource();
const groupId = uniqueId("ops-test-notification");
const dlqGroup = uniqueId("ops-test-dlq");
// Other notification-services may be running on the same Kafka (a developer's `make dev`, other
// test files) and mail the same addresses: only mails from this instance's sender count.
const sender = `${uniqueId("ops-test")}@coffer.localhost`;

/** Subjects of the mails this instance sent to the address, oldest first. */
async function mailsTo(address: string): Promise<string[]> {
  return (await mailsToAddress(address))
    .filter((m) => m.from.includes(sender))
    .sort((a, b) => a.created.localeCompare(b.created))
    .map((m) => m.subject);
}

async function waitForMails(address: string, count: number): Promise<string[]> {
  return vi.waitFor(
    async () => {
      const mails = await mailsTo(address);
      if (mails.length < count) throw new Error(`${mails.length} of ${count} mails to ${address}`);
      return mails;
    },
    { timeout: 20_000, interval: 100 },
  );
}

beforeAll(async () => {
  auditFrom = await auditEnd();
  db = await createTestDatabase();
  smtp = await createSmtpPath();
  app = await buildApp(
    testConfig({
      DATABASE_URL: db.url,
      CONSUMER_GROUP: groupId,
      MAIL_FROM: `Coffer <${sender}>`,
      SMTP_URL: smtp.url,
      // A mail outage outlasts this budget in a second: the event goes to the DLQ.
      MAIL_RETRY_ATTEMPTS: "3",
      MAIL_RETRY_MAX_DELAY_MS: "300",
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

/** A customer who signed up and verified the address, and got the welcome mail. */
async function signedUp() {
  const customerId = randomUUID();
  const email = `ops-${customerId}@example.com`;
  await events.publish(TOPICS.customerRegistered, { customerId, email, displayName: "Ada", locale: "en" });
  await events.publish(TOPICS.customerEmailVerified, { customerId, email });
  expect(await waitForMails(email, 1)).toEqual(["Your Coffer account is ready"]);
  return { customerId, email };
}

/** Waits until the service's group has committed past the copies: it has handled the replay. */
async function processed(copies: { topic: string; lastOffsets: Record<string, string> }[]) {
  await vi.waitFor(
    async () => {
      const lag = (await ops("--json", "lag", groupId)).json<{
        partitions: { topic: string; partition: number; committed: string | null }[];
      }>();
      for (const { topic, lastOffsets } of copies)
        for (const [partition, last] of Object.entries(lastOffsets)) {
          const committed = lag.partitions.find(
            (p) => p.topic === topic && p.partition === Number(partition),
          )?.committed;
          if (BigInt(committed ?? "-1") <= BigInt(last))
            throw new Error(`${topic}/${partition} at ${committed}, copy at ${last}`);
        }
    },
    { timeout: 30_000, interval: 250 },
  );
}

const signUpTopics = [TOPICS.customerRegistered, TOPICS.customerEmailVerified];

/** Replays the customer's sign-up events into their topics, as an operator would. */
async function replaySignUp(customerId: string, window: string[], ...extra: string[]) {
  const copies: { topic: string; replayId: string; lastOffsets: Record<string, string> }[] = [];
  for (const topic of signUpTopics) {
    const run = await ops(
      "--json",
      "replay",
      "republish",
      "--from-topic",
      topic,
      "--key",
      customerId,
      ...window,
      ...extra,
      "--execute",
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({ copied: 1, refused: 0 });
    copies.push({ topic, ...run.json<{ replayId: string; lastOffsets: Record<string, string> }>() });
  }
  return copies;
}

// Each test waits for a consumer that shares the topics with everything else on this Kafka.
describe("coffer-ops replay with notification-service", { timeout: 90_000 }, () => {
  it("when a customer's sign-up (customer.registered, customer.email-verified) is replayed, then no second welcome mail; with --resend exactly one more", async () => {
    const since = new Date().toISOString();
    const { customerId, email } = await signedUp();
    // The original events only, not the copies the first replay adds.
    const window = ["--since", since, "--until", new Date().toISOString()];

    await processed(await replaySignUp(customerId, window));
    expect(await mailsTo(email)).toEqual(["Your Coffer account is ready"]);

    const resent = await replaySignUp(customerId, window, "--resend");
    const mails = await waitForMails(email, 2);
    expect(mails).toEqual(["Your Coffer account is ready", "Your Coffer account is ready"]);
    await processed(resent);
    expect(await mailsTo(email)).toHaveLength(2);

    const audit = await auditOf(resent[0]!.replayId, auditFrom);
    expect(audit.map((a) => a.phase)).toEqual(["started", "completed"]);
    expect(JSON.parse(audit[0]!.plan)).toMatchObject({ fromTopic: TOPICS.customerRegistered, resend: true });
  });
});

/** The dead-lettered copy of a share.accessed for the customer: its DLQ coordinates. */
async function deadLettered(customerId: string): Promise<string> {
  return vi.waitFor(
    async () => {
      const run = await ops("--json", "tail", `${TOPICS.shareAccessed}.dlq`, "--key", customerId, "--count", "1");
      const [line] = run.stdout.trim().split("\n").filter(Boolean);
      if (!line) throw new Error("not dead-lettered yet");
      const record = JSON.parse(line) as { partition: number; offset: string; headers: Record<string, string> };
      expect(record.headers).toMatchObject({
        "dlq-original-topic": TOPICS.shareAccessed,
        "dlq-consumer-group": groupId,
        "dlq-error-class": "SmtpUnavailable",
      });
      return `${record.partition}:${record.offset}`;
    },
    { timeout: 30_000, interval: 500 },
  );
}

/** A share of the customer's opened while the mail server is unreachable for longer than the retries. */
async function openedDuringMailOutage(customerId: string, fileName: string): Promise<string> {
  await smtp.cut();
  try {
    await events.publish(TOPICS.shareAccessed, {
      customerId,
      shareId: randomUUID(),
      fileId: randomUUID(),
      fileName,
      accessedAt: new Date(),
    });
    return await deadLettered(customerId);
  } finally {
    await smtp.restore();
  }
}

describe("coffer-ops dlq with notification-service", { timeout: 90_000 }, () => {
  it("when a mail outage outlasted the retries and the mail server is back, then the redriven record is processed and leaves the DLQ's pending list, on record", async () => {
    const { customerId, email } = await signedUp();
    const at = await openedDuringMailOutage(customerId, "Plans.pdf");

    const listed = (await ops("--json", "dlq", "list", TOPICS.shareAccessed, "--group", dlqGroup)).json<{
      classes: { errorClass: string; count: number; offsets: string[]; newest: { errorMessage: string } }[];
    }>();
    const outage = listed.classes.find((c) => c.errorClass === "SmtpUnavailable")!;
    expect(outage.offsets).toContain(at);
    expect(outage.count).toBe(outage.offsets.length);
    expect(outage.newest.errorMessage).toMatch(/the SMTP server did not take the mail/);
    expect(await mailsTo(email)).toEqual(["Your Coffer account is ready"]);

    const redrive = ["dlq", "redrive", TOPICS.shareAccessed, "--offsets", at, "--group", dlqGroup];
    const dry = await ops("--json", ...redrive);
    expect(dry.json()).toMatchObject({
      executed: false,
      redrive: [{ from: at, errorClass: "SmtpUnavailable" }],
    });
    const run = await ops("--json", ...redrive, "--execute");
    expect(run.code, run.stderr).toBe(0);
    const mails = await waitForMails(email, 2);
    expect(mails).toEqual(["Your Coffer account is ready", 'Your share of "Plans.pdf" was opened']);

    const after = (await ops("--json", "dlq", "list", TOPICS.shareAccessed, "--group", dlqGroup)).json<{
      classes: { offsets: string[] }[];
    }>();
    expect(after.classes.flatMap((c) => c.offsets)).not.toContain(at);
    expect((await ops(...redrive, "--execute")).code).toBe(3); // dealt with: not redriven twice
    const audit = await auditOf(run.json<{ actionId: string }>().actionId, auditFrom);
    expect(audit.map((a) => [a.command, a.phase])).toEqual([
      ["dlq redrive", "started"],
      ["dlq redrive", "completed"],
    ]);
  });

  it("when an operator parks a dead letter with a reason, then the DLQ group moves past it and the reason is on record", async () => {
    const { customerId } = await signedUp();
    const at = await openedDuringMailOutage(customerId, "Old.pdf");
    const park = ["dlq", "park", TOPICS.shareAccessed, "--offsets", at, "--group", dlqGroup];
    expect((await ops(...park, "--execute")).code).toBe(2); // no reason, no parking
    const run = await ops("--json", ...park, "--reason", "the share was revoked since", "--execute");
    expect(run.code, run.stderr).toBe(0);
    const listed = (await ops("--json", "dlq", "list", TOPICS.shareAccessed, "--group", dlqGroup)).json<{
      classes: { offsets: string[] }[];
    }>();
    expect(listed.classes.flatMap((c) => c.offsets)).not.toContain(at);
    const audit = await auditOf(run.json<{ actionId: string }>().actionId, auditFrom);
    expect(JSON.parse(audit[0]!.plan)).toMatchObject({
      reason: "the share was revoked since",
      park: [{ at, errorClass: "SmtpUnavailable" }],
    });
  });
});
