import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import { freePort } from "@coffer/contracts/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// A registry of the test's own (`infra up registry` in a state directory and a database of its
// own, on the PostgreSQL the other tests use), so restarting it disturbs nobody.
const execFileAsync = promisify(execFile);
const infraBin = new URL("../bin/infra", import.meta.url).pathname;
const pgAdmin = new URL(process.env.PG_ADMIN_URL!);
const database = `test_registry_${randomUUID().replaceAll("-", "")}`;
const stateDir = mkdtempSync(join(tmpdir(), "coffer-registry-test-"));
let env: NodeJS.ProcessEnv;
let registryUrl: string;
let registry: SchemaRegistry;

const infra = (command: "up" | "down") => execFileAsync(infraBin, [command, "registry"], { env });

beforeAll(async () => {
  const port = await freePort();
  env = {
    ...process.env,
    COFFER_STATE_DIR: stateDir,
    COFFER_REGISTRY_PORT: String(port),
    COFFER_REGISTRY_DATABASE: database,
    COFFER_PG_PORT: pgAdmin.port,
    COFFER_PG_USER: decodeURIComponent(pgAdmin.username),
    COFFER_PG_PASSWORD: decodeURIComponent(pgAdmin.password),
  };
  registryUrl = `http://127.0.0.1:${port}/apis/ccompat/v7`;
  registry = new SchemaRegistry({ host: registryUrl });
  await infra("up");
}, 180_000);

afterAll(async () => {
  await infra("down");
  const admin = new pg.Client({ connectionString: pgAdmin.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
  rmSync(stateDir, { recursive: true, force: true });
});

const schemaOf = (name: string) =>
  JSON.stringify({ type: "record", name, namespace: "dev.coffer.test", fields: [{ name: "id", type: "string" }] });

describe("the schema registry's storage", () => {
  it("when the registry restarts with nothing of its local state, then every subject keeps its schema id and a new schema gets a fresh one", async () => {
    const subjects = ["first", "second", "third"].map((name) => ({ name, subject: `storage.${name}-value` }));
    const before = new Map<string, number>();
    for (const { name, subject } of subjects) {
      before.set(subject, (await registry.register({ type: SchemaType.AVRO, schema: schemaOf(name) }, { subject })).id);
    }

    await infra("down");
    rmSync(join(stateDir, "registry"), { recursive: true }); // as a container's restart: nothing local is left
    await infra("up");

    for (const { name, subject } of subjects) {
      expect(await registry.getLatestSchemaId(subject)).toBe(before.get(subject));
      const stored = await fetch(`${registryUrl}/schemas/ids/${before.get(subject)}`);
      expect(JSON.parse(((await stored.json()) as { schema: string }).schema)).toMatchObject({ name });
      const again = await registry.register({ type: SchemaType.AVRO, schema: schemaOf(name) }, { subject });
      expect(again.id).toBe(before.get(subject));
    }
    const fresh = await registry.register(
      { type: SchemaType.AVRO, schema: schemaOf("fourth") },
      { subject: "storage.fourth-value" },
    );
    expect([...before.values()]).not.toContain(fresh.id);
  }, 180_000);
});
