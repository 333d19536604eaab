import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { PG_JOB_LEASE_TABLES_SQL, runExclusive } from "../src/pg/index.js";
import { createTestDatabase as createTestDatabaseOf, type TestDatabase } from "../src/testing/index.js";

let db: TestDatabase;
// Three instances of a service: a pool each, one database.
let pools: pg.Pool[];
beforeAll(async () => {
  db = await createTestDatabaseOf({ sql: PG_JOB_LEASE_TABLES_SQL });
  pools = [1, 2, 3].map(() => new pg.Pool({ connectionString: db.url, max: 2 }));
});
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await db.drop();
});

describe("runExclusive", () => {
  it("when three instances ask at once, then one runs; nobody runs again before the period is over", async () => {
    let runs = 0;
    const job = async () => void (runs += 1);
    const first = await Promise.all(pools.map((pool) => runExclusive(pool, "at-once", 3600_000, job)));
    expect(first.filter(Boolean)).toHaveLength(1);
    expect(await runExclusive(pools[1]!, "at-once", 3600_000, job)).toBe(false);
    expect(runs).toBe(1);

    await db.pool.query("UPDATE job_leases SET next_run_at = now() WHERE name = 'at-once'");
    const second = await Promise.all(pools.map((pool) => runExclusive(pool, "at-once", 3600_000, job)));
    expect(second.filter(Boolean)).toHaveLength(1);
    expect(runs).toBe(2);
    const { rows } = await db.pool.query("SELECT runs FROM job_leases WHERE name = 'at-once'");
    expect(Number(rows[0].runs)).toBe(2);
  });

  it("when three schedulers tick far more often than the period, then the job runs once per period", async () => {
    const periodMs = 400;
    const starts: number[] = [];
    const job = async () => void starts.push(Date.now());
    const timers = pools.map((pool) =>
      setInterval(() => void runExclusive(pool, "ticking", periodMs, job).catch(() => undefined), 15),
    );
    try {
      await expect.poll(() => starts.length, { timeout: 10_000, interval: 50 }).toBeGreaterThanOrEqual(4);
    } finally {
      for (const timer of timers) clearInterval(timer);
    }
    const gaps = starts.slice(1).map((start, i) => start - starts[i]!);
    // The period is measured on the database's clock; a few milliseconds of round trip either way.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(periodMs - 50);
    const { rows } = await db.pool.query("SELECT runs FROM job_leases WHERE name = 'ticking'");
    expect(Number(rows[0].runs)).toBe(starts.length);
  });

  it("when the job fails, then the failure reaches the caller and the period still counts as taken", async () => {
    await expect(
      runExclusive(pools[0]!, "failing", 3600_000, async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await runExclusive(pools[1]!, "failing", 3600_000, async () => undefined)).toBe(false);
  });
});
