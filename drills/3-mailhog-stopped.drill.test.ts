import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import {
  createCustomer,
  createTimer,
  infra,
  messageIdsByRecipient,
  recipientsOf,
  shareWithRecipients,
  startDrillPlatform,
  upload,
  type DrillPlatform,
} from "./support.js";

const MAILS = 100;
const MAILHOG_DOWN_MS = 60_000;

let platform: DrillPlatform;
beforeAll(async () => {
  platform = await startDrillPlatform();
});
afterAll(async () => {
  await infra("up", "mailhog");
  await platform?.stop();
});

// MailHog keeps messages in memory: a restart forgets what it held, so the 100 shares are made
// once it is down, and every one of their mails must arrive after it is back.
test("when MailHog (SMTP) is stopped for 60 s during 100 share mails, then all 100 arrive after it returns, once each", async () => {
  const time = createTimer("3 MailHog stopped 60 s during 100 share mails");
  const customer = await createCustomer(platform, "smtp-drill");
  const file = await upload(platform.services.file.url, customer.accessToken, "shared.bin", randomBytes(1024));
  expect(file.status).toBe(201);
  const recipients = recipientsOf(platform, "recipient-", MAILS);

  await infra("down", "mailhog");
  const stopped = Date.now();
  const answers = await shareWithRecipients(platform, customer, file.body.id as string, recipients, 4);
  expect(answers.filter((a) => a.status !== 201)).toEqual([]);
  await vi.waitFor(
    async () => {
      const { rows } = await platform.notificationsDb.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM deliveries WHERE kind = 'share-created' AND attempts > 0",
      );
      if (rows[0]!.n === 0) throw new Error("no mail attempted yet");
    },
    { timeout: 60_000, interval: 250 },
  );
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, stopped + MAILHOG_DOWN_MS - Date.now())));
  await infra("up", "mailhog");

  const counts = await vi.waitFor(
    async () => {
      const copies = await messageIdsByRecipient(platform, "recipient-");
      if (copies.size < MAILS) throw new Error(`${copies.size} of ${MAILS} recipients mailed`);
      return copies;
    },
    { timeout: 240_000, interval: 1000 },
  );
  expect([...counts.keys()].sort()).toEqual([...recipients].sort());
  expect([...counts].filter(([, ids]) => ids.length !== 1)).toEqual([]);
  const { rows } = await platform.notificationsDb.query<{ status: string; n: number; retried: number }>(
    "SELECT status, count(*)::int AS n, count(*) FILTER (WHERE attempts > 1)::int AS retried FROM deliveries WHERE kind = 'share-created' GROUP BY status",
  );
  expect(rows).toMatchObject([{ status: "sent", n: MAILS }]);
  time(`${counts.size}/${MAILS} mails arrived once each, ${rows[0]!.retried} of them after failed attempts`);
});
