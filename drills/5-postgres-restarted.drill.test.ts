import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { createCustomer, createTimer, infra, send, startDrillPlatform, upload, type DrillPlatform } from "./support.js";

let platform: DrillPlatform;
beforeAll(async () => {
  platform = await startDrillPlatform();
});
afterAll(async () => {
  await infra("up", "postgres");
  await platform?.stop();
});

test("when PostgreSQL restarts, then file-service and notification-service recover without a restart of their own and the outbox relay resumes", async () => {
  const time = createTimer("5 PostgreSQL restarted");
  const customer = await createCustomer(platform, "pg-drill");
  const fileUrl = platform.services.file.url;

  await infra("down", "postgres");
  const during = await upload(fileUrl, customer.accessToken, "during.bin", randomBytes(1024));
  expect(during).toMatchObject({ status: 503, body: { code: "DEPENDENCY_UNAVAILABLE" } });
  await infra("up", "postgres");

  for (const service of [platform.services.file, platform.services.notification])
    await vi.waitFor(
      async () => {
        const ready = await send(`${service.url}/health/ready`);
        if (ready.status !== 200) throw new Error(`not ready: ${JSON.stringify(ready.body)}`);
      },
      { timeout: 60_000, interval: 500 },
    );
  // A new upload's event goes through the outbox relay, Kafka and notification-service's inbox.
  const after = await vi.waitFor(
    async () => {
      const answer = await upload(fileUrl, customer.accessToken, "after.bin", randomBytes(1024));
      if (answer.status !== 201) throw new Error(`upload answered ${answer.status}`);
      return answer;
    },
    { timeout: 60_000, interval: 500 },
  );
  await vi.waitFor(
    async () => {
      const { rowCount } = await platform.notificationsDb.query(
        "SELECT 1 FROM inbox WHERE customer_id = $1 AND kind = 'file-uploaded'",
        [customer.customerId],
      );
      // The upload refused during the outage stored nothing: the one item is the later upload's.
      if (rowCount !== 1) throw new Error(`${rowCount} inbox items for the upload`);
    },
    { timeout: 90_000, interval: 500 },
  );
  expect(after.status).toBe(201);
  time(
    `upload during the outage answered ${during.status} ${String(during.body.code)}; both services ready again, relay resumed`,
  );
});
