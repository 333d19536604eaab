import { randomUUID } from "node:crypto";
import pg from "pg";

export type TestDatabase = { url: string; pool: pg.Pool; drop(): Promise<void> };

/**
 * A PostgreSQL database of its own for one test file (on PG_ADMIN_URL's server), with a pool on it;
 * `sql` runs first (e.g. PG_EVENT_TABLES_SQL). `drop()` ends the pool and drops the database.
 */
export async function createTestDatabase(options: { sql?: string } = {}): Promise<TestDatabase> {
  const adminUrl = process.env.PG_ADMIN_URL!;
  const name = `test_${randomUUID().replaceAll("-", "")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  const pool = new pg.Pool({ connectionString: url });
  pool.on("error", () => undefined); // idle clients end with the database when the file is done
  if (options.sql) await pool.query(options.sql);
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
