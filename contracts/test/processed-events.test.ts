import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgIdempotencyStore, purgeProcessedEvents } from "../src/index.js";
import { createTestDatabase } from "./support.js";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

describe("processed event ids", () => {
  it("when an id is older than the retention, then it is forgotten; a newer one still blocks a duplicate", async () => {
    const store = createPgIdempotencyStore(db.pool);
    const [old, recent] = [randomUUID(), randomUUID()];
    expect(await store.runOnce("group", old, async () => undefined)).toBe(true);
    expect(await store.runOnce("group", recent, async () => undefined)).toBe(true);
    await db.pool.query("UPDATE processed_events SET processed_at = now() - interval '40 days' WHERE event_id = $1", [
      old,
    ]);

    expect(await purgeProcessedEvents(db.pool, 30)).toBe(1);
    expect(await store.runOnce("group", recent, async () => undefined)).toBe(false);
    expect(await store.runOnce("group", old, async () => undefined)).toBe(true);
  });
});
