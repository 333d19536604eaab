import { readFileSync, readdirSync } from "node:fs";
import pg from "pg";
import { PG_ACCESS_TABLES_SQL } from "./access-projection.js";
import { PG_JOB_LEASE_TABLES_SQL } from "./job-leases.js";
import { PG_EVENT_TABLES_SQL } from "../outbox/pg-outbox.js";
import { ConfigError } from "../config/parse-env.js";

const SCHEMA_MIGRATIONS_SQL =
  "CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())";

/** A service started against a database that lacks migrations it was written for. */
export class SchemaBehindError extends Error {
  constructor(readonly missing: readonly string[]) {
    super(
      `the database lacks migration${missing.length > 1 ? "s" : ""} ${missing.join(", ")}: run this service's migrate command (npm run migrate) first`,
    );
    this.name = "SchemaBehindError";
  }
}

const migrationFiles = (directory: URL) =>
  readdirSync(directory)
    .filter((f) => /^\d+_[\w-]+\.sql$/.test(f))
    .sort();

/**
 * Each step runs in a transaction of its own that first takes a transaction-scoped advisory lock:
 * concurrent migrators wait for each other, and a connection pooler in transaction mode (PgBouncer)
 * cannot hand the lock to another client, nor leak it.
 */
async function lockedStep<T>(client: pg.ClientBase, step: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('coffer-migrations'))");
    const result = await step();
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/**
 * Applies a service's plain, numbered SQL migrations (`001_init.sql`, `002_….sql`) once each, in
 * order, after the event, access-projection and job-lease tables every PostgreSQL service needs; returns the
 * names it applied. Any number of migrators may run at once.
 */
export async function migrate(pool: pg.Pool, directory: URL): Promise<string[]> {
  const client = await pool.connect();
  try {
    await lockedStep(client, async () => {
      await client.query(PG_EVENT_TABLES_SQL);
      await client.query(PG_ACCESS_TABLES_SQL);
      await client.query(PG_JOB_LEASE_TABLES_SQL);
      await client.query(SCHEMA_MIGRATIONS_SQL);
    });
    const applied: string[] = [];
    for (const name of migrationFiles(directory)) {
      const done = await lockedStep(client, async () => {
        const { rowCount } = await client.query("SELECT 1 FROM schema_migrations WHERE name = $1", [name]);
        if (rowCount) return false;
        try {
          await client.query(readFileSync(new URL(name, directory), "utf8"));
        } catch (error) {
          throw new Error(`migration ${name} failed: ${(error as Error).message}`, { cause: error });
        }
        await client.query("INSERT INTO schema_migrations (name) VALUES ($1)", [name]);
        return true;
      });
      if (done) applied.push(name);
    }
    return applied;
  } finally {
    client.release();
  }
}

/**
 * Refuses (SchemaBehindError) a database that lacks one of the service's migrations. Migrations it
 * does not know are tolerated: a newer version migrated first (expand), and the older instances
 * still running read a schema that only grew.
 */
export async function assertMigrated(pool: pg.Pool, directory: URL): Promise<void> {
  const { rows: table } = await pool.query<{ present: boolean }>(
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS present",
  );
  const applied = new Set<string>();
  if (table[0]!.present) {
    const { rows } = await pool.query<{ name: string }>("SELECT name FROM schema_migrations");
    for (const row of rows) applied.add(row.name);
  }
  const missing = migrationFiles(directory).filter((name) => !applied.has(name));
  if (missing.length > 0) throw new SchemaBehindError(missing);
}

/**
 * A service's migrate command (`npm run migrate -w <service>`): applies its migrations over one
 * connection to `url` (MIGRATION_DATABASE_URL, straight to PostgreSQL) and exits 0, or 1 naming what
 * failed. Run once before the services start.
 */
export async function runMigrations(command: { name: string; loadUrl: () => string; directory: URL }): Promise<void> {
  let url: string;
  try {
    url = command.loadUrl();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${command.name} migrate: ${error.message}`);
    process.exit(1);
  }
  const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 10_000 });
  try {
    const applied = await migrate(pool, command.directory);
    console.log(
      `${command.name}: ${applied.length === 0 ? "the schema is up to date" : `applied ${applied.join(", ")}`}`,
    );
  } catch (error) {
    console.error(`${command.name} migrate: ${(error as Error).message}`);
    process.exitCode = 1;
  } finally {
    await pool.end();
  }
}
