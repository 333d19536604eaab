import { randomBytes } from "node:crypto";
import { TOPICS } from "@coffer/contracts";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import {
  createCustomer,
  createTimer,
  infra,
  inParallel,
  objectKeys,
  recordsOf,
  startDrillPlatform,
  upload,
  type DrillPlatform,
} from "./support.js";

const UPLOADS = 300;
const KAFKA_DOWN_MS = 20_000;

let platform: DrillPlatform;
beforeAll(async () => {
  platform = await startDrillPlatform();
});
afterAll(async () => {
  await infra("up", "kafka");
  await platform?.stop();
});

// The issue expected some uploads to fail with 503 while Kafka is down. Uploads commit their
// file.uploaded event to the transactional outbox in PostgreSQL, not to Kafka, so they need no
// broker: the stronger property holds, every upload answers 201 and its event is published once
// Kafka is back. Kafka may hold a record twice (a send whose ack the kill swallowed is sent
// again); consumers deduplicate on the event id, so what must be exactly one is the event id per
// file and the inbox item per event.
test("when Kafka is killed (-9) during 300 uploads and restarted 20 s later, then every upload answers 201, has exactly one file.uploaded event id and exactly one inbox item, and nothing else is stored", async () => {
  const time = createTimer("1 Kafka killed during 300 uploads");
  const customer = await createCustomer(platform, "kafka-drill");
  let answered = 0;
  let outage: Promise<void> | undefined;
  const answers = await inParallel(
    Array.from({ length: UPLOADS }, (_, i) => i),
    6,
    async (i) => {
      if (answered === 50 && !outage) {
        outage = (async () => {
          await infra("kill", "kafka");
          await new Promise((resolve) => setTimeout(resolve, KAFKA_DOWN_MS));
          await infra("up", "kafka");
        })();
      }
      const answer = await upload(
        platform.services.file.url,
        customer.accessToken,
        `upload-${i}.bin`,
        randomBytes(1024),
      );
      answered += 1;
      return answer;
    },
  );
  await outage;

  const created = answers.filter((a) => a.status === 201).map((a) => a.body.id as string);
  const refused = answers.filter((a) => a.status !== 201);
  for (const answer of refused) expect(answer).toMatchObject({ status: 503, body: { code: expect.any(String) } });
  expect(refused).toEqual([]);

  // Stored: one row and one object per answered upload, nothing for the others.
  const { rows: files } = await platform.filesDb.query<{ id: string }>("SELECT id FROM files WHERE customer_id = $1", [
    customer.customerId,
  ]);
  expect(files.map((f) => f.id).sort()).toEqual([...created].sort());
  expect(await objectKeys(platform.minio, platform.bucket, `${customer.customerId}/`)).toHaveLength(created.length);

  // The relay drains the outbox once Kafka is back.
  await vi.waitFor(
    async () => {
      const { rows } = await platform.filesDb.query<{ n: number }>("SELECT count(*)::int AS n FROM event_outbox");
      if (rows[0]!.n > 0) throw new Error(`${rows[0]!.n} events still in the outbox`);
    },
    { timeout: 180_000, interval: 500 },
  );
  const records = await recordsOf(platform.infraEnv, TOPICS.fileUploaded, customer.customerId);
  const eventIdsByFile = new Map<string, Set<string>>();
  for (const r of records) eventIdsByFile.set(r.fileId, (eventIdsByFile.get(r.fileId) ?? new Set()).add(r.eventId));
  expect([...eventIdsByFile.keys()].sort()).toEqual([...created].sort());
  expect([...eventIdsByFile.values()].filter((ids) => ids.size !== 1)).toEqual([]);

  // notification-service: exactly one inbox item per event.
  const eventIds = records.map((r) => r.eventId);
  await vi.waitFor(
    async () => {
      const { rows } = await platform.notificationsDb.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM inbox WHERE customer_id = $1 AND kind = 'file-uploaded'",
        [customer.customerId],
      );
      if (rows[0]!.n < created.length) throw new Error(`${rows[0]!.n} of ${created.length} inbox items`);
    },
    { timeout: 180_000, interval: 500 },
  );
  const { rows: inbox } = await platform.notificationsDb.query<{ event_id: string; n: number }>(
    "SELECT event_id, count(*)::int AS n FROM inbox WHERE customer_id = $1 AND kind = 'file-uploaded' GROUP BY event_id",
    [customer.customerId],
  );
  expect(inbox.filter((r) => r.n !== 1)).toEqual([]);
  expect(inbox.map((r) => r.event_id).sort()).toEqual([...new Set(eventIds)].sort());
  time(
    `${created.length}/${UPLOADS} answered 201, ${refused.length} refused; ${new Set(eventIds).size} events ` +
      `(${records.length - new Set(eventIds).size} duplicate records), ${inbox.length} inbox items`,
  );
});
