import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import {
  createCustomer,
  createTimer,
  infra,
  inParallel,
  objectKeys,
  send,
  startDrillPlatform,
  upload,
  type DrillPlatform,
} from "./support.js";

const UPLOADS = 20;

let platform: DrillPlatform;
beforeAll(async () => {
  platform = await startDrillPlatform();
});
afterAll(async () => {
  await infra("up", "minio");
  await platform?.stop();
});

test("when MinIO is stopped during uploads and a purge, then uploads answer 503 STORAGE_UNAVAILABLE and store no row, and once it returns the retried uploads succeed and the purge completes", async () => {
  const time = createTimer("4 MinIO stopped during uploads and a purge");
  const customer = await createCustomer(platform, "minio-drill");
  const fileUrl = platform.services.file.url;
  const token = customer.accessToken;
  const doomed = await upload(fileUrl, token, "doomed.bin", randomBytes(4096));
  expect(doomed.status).toBe(201);
  const [doomedObject] = await objectKeys(platform.minio, platform.bucket, `${customer.customerId}/`);
  expect((await send(`${fileUrl}/files/${doomed.body.id as string}`, { method: "DELETE", token })).status).toBe(204);

  await infra("down", "minio");
  const names = Array.from({ length: UPLOADS }, (_, i) => `during-outage-${i}.bin`);
  const refused = await inParallel(names, 4, (name) => upload(fileUrl, token, name, randomBytes(64 * 1024)));
  for (const answer of refused) expect(answer).toMatchObject({ status: 503, body: { code: "STORAGE_UNAVAILABLE" } });
  const { rowCount: orphanRows } = await platform.filesDb.query("SELECT 1 FROM files WHERE name = ANY($1)", [names]);
  expect(orphanRows).toBe(0);
  // The purge needs only the database: the object waits in object_deletions for MinIO.
  expect((await send(`${fileUrl}/trash/${doomed.body.id as string}`, { method: "DELETE", token })).status).toBe(204);
  const { rowCount: queued } = await platform.filesDb.query("SELECT 1 FROM object_deletions WHERE object_key = $1", [
    doomedObject,
  ]);
  expect(queued).toBe(1);
  await infra("up", "minio");

  const retried = await vi.waitFor(
    async () => {
      const first = await upload(fileUrl, token, names[0]!, randomBytes(64 * 1024));
      if (first.status !== 201) throw new Error(`the first retry answered ${first.status}`);
      return [
        first,
        ...(await inParallel(names.slice(1), 4, (name) => upload(fileUrl, token, name, randomBytes(64 * 1024)))),
      ];
    },
    { timeout: 60_000, interval: 500 },
  );
  expect(retried.filter((a) => a.status !== 201)).toEqual([]);
  await vi.waitFor(
    async () => {
      const { rowCount } = await platform.filesDb.query("SELECT 1 FROM object_deletions");
      if (rowCount !== 0) throw new Error(`${rowCount} objects still to delete`);
    },
    { timeout: 60_000, interval: 500 },
  );

  // Every version row has its object, and no object is left without a row (the refused uploads', the purged file's).
  const { rows } = await platform.filesDb.query<{ object_key: string }>(
    "SELECT object_key FROM file_versions v JOIN files f ON f.id = v.file_id WHERE f.customer_id = $1",
    [customer.customerId],
  );
  const objects = await objectKeys(platform.minio, platform.bucket, `${customer.customerId}/`);
  expect(objects.sort()).toEqual(rows.map((r) => r.object_key).sort());
  expect(objects).not.toContain(doomedObject);
  expect(rows).toHaveLength(UPLOADS);
  time(
    `${refused.length} uploads refused with 503 STORAGE_UNAVAILABLE, ${retried.length} retried with 201; purge completed`,
  );
});
