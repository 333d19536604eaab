import { randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import { createTestDatabase, spawnMain, type TestDatabase } from "@coffer/contracts/testing";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { minioOf, testConfig } from "./support.js";

const MIGRATIONS = readdirSync(new URL("../migrations/", import.meta.url))
  .filter((f) => f.endsWith(".sql"))
  .sort();
const LAST = MIGRATIONS.at(-1)!;
const migrateCommand = new URL("../src/migrate.ts", import.meta.url);
const main = new URL("../src/main.ts", import.meta.url);

const BUCKET = `test-${randomUUID()}`;
const configOf = (databaseUrl: string) =>
  testConfig({ DATABASE_URL: databaseUrl, MINIO_BUCKET: BUCKET, MIGRATE_ON_START: "false" });

const databases: TestDatabase[] = [];
afterEach(async () => {
  await Promise.all(databases.splice(0).map((db) => db.drop()));
});
afterAll(async () => minioOf(configOf("postgres://unused/none")).removeBucket());

async function emptyDatabase() {
  const db = await createTestDatabase();
  databases.push(db);
  return db;
}

async function runMigrate(env: NodeJS.ProcessEnv) {
  const run = spawnMain(migrateCommand, { PATH: process.env.PATH, ...env });
  const [code] = await run.exited;
  return { code, ...run.output };
}

describe("file-service: the migrate command", () => {
  it("when four migrators start at once on an empty database, then each migration is applied once", async () => {
    const db = await emptyDatabase();
    const runs = await Promise.all(Array.from({ length: 4 }, () => runMigrate({ MIGRATION_DATABASE_URL: db.url })));
    expect(runs.map((r) => [r.code, r.stderr])).toEqual(Array.from({ length: 4 }, () => [0, ""]));
    const applied = runs.flatMap((r) => r.stdout.match(/\d+_[\w-]+\.sql/g) ?? []).sort();
    expect(applied).toEqual(MIGRATIONS);
    const { rows } = await db.pool.query<{ name: string }>("SELECT name FROM schema_migrations ORDER BY name");
    expect(rows.map((r) => r.name)).toEqual(MIGRATIONS);

    const again = await runMigrate({ DATABASE_URL: db.url });
    expect(again).toMatchObject({ code: 0, stdout: "file-service: the schema is up to date\n" });
  });

  it("when neither MIGRATION_DATABASE_URL nor DATABASE_URL is set, then it exits 1 naming the key", async () => {
    const run = await runMigrate({});
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("MIGRATION_DATABASE_URL: is required (or DATABASE_URL)");
  });
});

describe("file-service: the schema at start", () => {
  it("when the database lacks the service's last migration, then the service refuses to start naming it", async () => {
    const db = await emptyDatabase();
    expect((await runMigrate({ MIGRATION_DATABASE_URL: db.url })).code).toBe(0);
    await db.pool.query("DELETE FROM schema_migrations WHERE name = $1", [LAST]);

    await expect(buildApp(configOf(db.url))).rejects.toThrow(
      `the database lacks migration ${LAST}: run this service's migrate command (npm run migrate) first`,
    );

    const process = spawnMain(main, { ...testEnv(db.url), MIGRATE_ON_START: "false" });
    const [code] = await process.exited;
    expect(code).toBe(1);
    expect(process.output.stderr).toContain(`file-service cannot start: the database lacks migration ${LAST}`);
  });

  it("when the database has a migration the service does not know (a newer version migrated first), then it starts", async () => {
    const db = await emptyDatabase();
    expect((await runMigrate({ MIGRATION_DATABASE_URL: db.url })).code).toBe(0);
    await db.pool.query("INSERT INTO schema_migrations (name) VALUES ('999_from_a_newer_version.sql')");

    const app = await buildApp(configOf(db.url));
    try {
      expect((await app.inject("/health/ready")).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

function testEnv(databaseUrl: string): NodeJS.ProcessEnv {
  return { ...process.env, PORT: "0", LOG_LEVEL: "silent", DATABASE_URL: databaseUrl, MINIO_BUCKET: BUCKET };
}
