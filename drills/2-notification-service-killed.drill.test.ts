import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import {
  createCustomer,
  createTimer,
  messageIdsByRecipient,
  recipientsOf,
  shareWithRecipients,
  startDrillPlatform,
  upload,
  type DrillPlatform,
} from "./support.js";

const EVENTS = 1000;

let platform: DrillPlatform;
beforeAll(async () => {
  platform = await startDrillPlatform();
});
afterAll(async () => {
  await platform?.stop();
});

// SMTP has no idempotency: a process killed after the server accepted a mail and before the
// delivery log says so hands that one mail over again on restart (README: the residual window).
// The copy carries the same Message-ID, made from the delivery row, so it is the same message.
test("when notification-service is killed (-9) mid-stream of 1,000 share.created events and restarted, then every recipient gets its one message: no mail lost, no second message, at most the one in flight re-handed with its Message-ID", async () => {
  const time = createTimer("2 notification-service killed mid-stream of 1,000 events");
  const customer = await createCustomer(platform, "stream-drill");
  const file = await upload(platform.services.file.url, customer.accessToken, "shared.bin", randomBytes(1024));
  expect(file.status).toBe(201);
  const recipients = recipientsOf(platform, "recipient-", EVENTS);

  let killedAfter = -1;
  const killing = vi.waitFor(
    async () => {
      const { rows } = await platform.notificationsDb.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM deliveries WHERE kind = 'share-created' AND status = 'sent'",
      );
      if (rows[0]!.n < 200) throw new Error(`${rows[0]!.n} mails sent`);
      killedAfter = rows[0]!.n;
      await platform.services.notification.kill();
      await platform.services.notification.start();
    },
    { timeout: 240_000, interval: 100 },
  );
  const answers = await shareWithRecipients(platform, customer, file.body.id as string, recipients, 8);
  expect(answers.filter((a) => a.status !== 201)).toEqual([]);
  await killing;

  const counts = await vi.waitFor(
    async () => {
      const copies = await messageIdsByRecipient(platform, "recipient-");
      if (copies.size < EVENTS) throw new Error(`${copies.size} of ${EVENTS} recipients mailed`);
      return copies;
    },
    { timeout: 240_000, interval: 1000 },
  );
  expect([...counts.keys()].sort()).toEqual([...recipients].sort());
  // One message per recipient (one Message-ID, of this recipient's own delivery row).
  expect([...counts].filter(([, ids]) => new Set(ids).size !== 1 || !/^<delivery\.[^@]+@/.test(ids[0]!))).toEqual([]);
  const rehanded = [...counts].filter(([, ids]) => ids.length > 1);
  expect(rehanded.length).toBeLessThanOrEqual(1); // one kill: at most the one mail in flight
  expect(rehanded.flatMap(([, ids]) => ids).length).toBeLessThanOrEqual(2);
  const { rows } = await platform.notificationsDb.query<{ status: string; n: number }>(
    "SELECT status, count(*)::int AS n FROM deliveries WHERE kind = 'share-created' GROUP BY status",
  );
  expect(rows).toEqual([{ status: "sent", n: EVENTS }]);
  time(
    `killed after ${killedAfter} mails; ${counts.size}/${EVENTS} recipients got their one message` +
      (rehanded.length ? `, ${rehanded.length} re-handed to SMTP with its Message-ID` : ", no copy"),
  );
});
