import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

const adminUrl = process.env.PG_ADMIN_URL!;
const database = `smoke_${randomUUID().replaceAll("-", "")}`;

afterAll(async () => {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  await admin.connect().catch(() => undefined);
  await admin.query(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
  await admin.end().catch(() => undefined);
});

describe("PostgreSQL", () => {
  it("when a database is created, then it stores and returns rows, with pg_trgm available for search", async () => {
    const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();

    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 3000 });
    await client.connect();
    try {
      await client.query("CREATE EXTENSION pg_trgm");
      await client.query("CREATE TABLE files (id uuid PRIMARY KEY, name text NOT NULL)");
      const id = randomUUID();
      await client.query("INSERT INTO files (id, name) VALUES ($1, $2)", [id, "Quarterly report.pdf"]);
      const { rows } = await client.query("SELECT id, similarity(name, $1) > 0.2 AS similar FROM files", ["quarterly"]);
      expect(rows).toEqual([{ id, similar: true }]);
    } finally {
      await client.end();
    }
  });
});
