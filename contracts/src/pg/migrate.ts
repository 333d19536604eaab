import { readFileSync, readdirSync } from "node:fs";
import type pg from "pg";
import { PG_ACCESS_TABLES_SQL } from "./access-projection.js";
import { PG_JOB_LEASE_TABLES_SQL } from "./job-leases.js";
import { PG_EVENT_TABLES_SQL } from "../outbox/pg-outbox.js";

/**
 * Applies a service's plain, numbered SQL migrations (`001_init.sql`, `002_….sql`) once each,
 * in order, after the event, access-projection and job-lease tables every PostgreSQL service needs. An advisory lock lets
 * several instances start at once.
 */
export async function migrate(pool: pg.Pool, directory: URL): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtext('coffer-migrations'))");
    await client.query(PG_EVENT_TABLES_SQL);
    await client.query(PG_ACCESS_TABLES_SQL);
    await client.query(PG_JOB_LEASE_TABLES_SQL);
    await client.query(
      "CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    const applied = new Set(
      (await client.query<{ name: string }>("SELECT name FROM schema_migrations")).rows.map((r) => r.name),
    );
    const pending = readdirSync(directory)
      .filter((f) => /^\d+_[\w-]+\.sql$/.test(f) && !applied.has(f))
      .sort();
    for (const name of pending) {
      await client.query("BEGIN");
      try {
        await client.query(readFileSync(new URL(name, directory), "utf8"));
        await client.query("INSERT INTO schema_migrations (name) VALUES ($1)", [name]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${name} failed: ${(error as Error).message}`, { cause: error });
      }
    }
    return pending;
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtext('coffer-migrations'))").catch(() => undefined);
    client.release();
  }
}
