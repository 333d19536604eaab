import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, createTokenIssuer, freePort, type TestDatabase } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp } from "../src/app.js";
import { minioOf, testConfig } from "./support.js";

const PGBOUNCER = "/usr/sbin/pgbouncer";

/**
 * PgBouncer 1.18 in transaction mode in front of the test's PostgreSQL, as in the ha topology,
 * with two server connections for the service's twenty, so consecutive statements of one client
 * connection land on different server connections. Started as `infra` starts it (not as root).
 */
async function startPgBouncer(databaseUrl: string) {
  const target = new URL(databaseUrl);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "coffer-pgbouncer-"));
  const ini = join(dir, "pgbouncer.ini");
  writeFileSync(
    ini,
    `[databases]
* = host=${target.hostname} port=${target.port} user=${decodeURIComponent(target.username)} password=${decodeURIComponent(target.password)}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = any
pool_mode = transaction
default_pool_size = 2
`,
  );
  chmodSync(dir, 0o755);
  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = spawn(
    asRoot ? "runuser" : PGBOUNCER,
    asRoot ? ["-u", "postgres", "--", PGBOUNCER, ini] : [ini],
    {
      stdio: "ignore",
    },
  );
  const url = Object.assign(new URL(databaseUrl), { port: String(port) }).toString();
  await vi.waitFor(
    async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.end();
    },
    { timeout: 10_000, interval: 100 },
  );
  return {
    url,
    stop() {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let db: TestDatabase, issuer: Awaited<ReturnType<typeof createTokenIssuer>>;
let bouncer: Awaited<ReturnType<typeof startPgBouncer>>;
let app: FastifyInstance, base: string;
let bucket: ReturnType<typeof minioOf>;

beforeAll(async () => {
  [db, issuer] = await Promise.all([createTestDatabase(), createTokenIssuer()]);
  bouncer = await startPgBouncer(db.url);
  const config = testConfig({
    DATABASE_URL: bouncer.url,
    MIGRATION_DATABASE_URL: db.url,
    DATABASE_PREPARED_STATEMENTS: "false",
    JWKS_URL: issuer.jwksUrl,
  });
  bucket = minioOf(config);
  app = await buildApp(config);
  base = await app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await app?.close();
  await bucket?.removeBucket();
  bouncer?.stop();
  await issuer?.close();
  await db?.drop();
});

describe("listings through PgBouncer in transaction mode", () => {
  it("when DATABASE_PREPARED_STATEMENTS is false, then every listing and search answers, however the connections are shared", async () => {
    const auth = { authorization: `Bearer ${await issuer.token(randomUUID())}` };
    for (const name of ["a.txt", "b.txt", "c.txt"]) {
      const form = new FormData();
      form.append("file", new Blob([name]), name);
      expect((await fetch(`${base}/files`, { method: "POST", headers: auth, body: form })).status).toBe(201);
    }
    const urls = ["name", "size", "updatedAt"].flatMap((sort) => [
      `/files?sort=${sort}&limit=1`,
      `/files?sort=${sort}&order=desc&limit=2`,
      `/files?sort=${sort}&q=txt`,
      `/folders/root?sort=${sort}`,
    ]);
    for (let round = 0; round < 5; round += 1) {
      const answers = await Promise.all(urls.map((url) => app.inject({ url, headers: auth })));
      expect(answers.map((a) => `${a.statusCode} ${a.statusCode === 200 ? "" : a.body}`)).toEqual(
        urls.map(() => "200 "),
      );
    }
  });
});
