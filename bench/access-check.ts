// What the revocation check costs each authenticated request: the same Fastify route behind
// `createAuthenticate`, with the access check of file- and notification-service (one prepared
// query on the projection, 20,000 revoked sessions and 20,000 customers in it) and with none.
// Two routes: one that answers at once (the worst case for the ratio) and one that runs one
// indexed query, as the cheapest real route does. Requests go through app.inject (no sockets,
// so the ratio is the harsher one), 10 at a time, in interleaved rounds: the machine is shared,
// and only rounds run side by side compare.
//   infra/bin/with-infra npx tsx bench/access-check.ts        (BENCH_ROUNDS=10, 1,000 requests each)
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { performance } from "node:perf_hooks";
import Fastify, { type FastifyInstance } from "fastify";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import pg from "pg";
import { createAccessTokenVerifier, createAuthenticate, type AccessCheck } from "../contracts/src/http/index.js";
import { createPgAccessCheck, migrate } from "../contracts/src/pg/index.js";
import { median, round } from "./lib/report.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const REQUESTS = 1000;
const CONCURRENCY = 10;

const adminUrl = process.env.PG_ADMIN_URL!;
const name = `bench_access_${randomUUID().replaceAll("-", "")}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const pool = new pg.Pool({
  connectionString: Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString(),
  max: 20,
});
// DROP DATABASE … WITH (FORCE) ends whatever connection is left.
pool.on("error", () => undefined);

try {
  await migrate(pool, new URL("../file-service/migrations/", import.meta.url));
  await pool.query(
    `INSERT INTO revoked_sessions (session_id, customer_id, revoked_at)
       SELECT gen_random_uuid()::text, gen_random_uuid()::text, now() FROM generate_series(1, 20000);
     INSERT INTO customer_access (customer_id, disabled, roles)
       SELECT gen_random_uuid()::text, n % 10 = 0, ARRAY['user'] FROM generate_series(1, 20000) n;
     ANALYZE revoked_sessions; ANALYZE customer_access;`,
  );

  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "bench", alg: "RS256", use: "sig" };
  const jwks = createServer((_, res) => res.end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
  const jwksUrl = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/`;
  const customerId = randomUUID();
  const token = await new SignJWT({ roles: ["user"], sid: randomUUID() })
    .setProtectedHeader({ alg: "RS256", kid: "bench" })
    .setIssuer("coffer")
    .setAudience("coffer-api")
    .setSubject(customerId)
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(privateKey);

  async function build(check: AccessCheck) {
    const app = Fastify();
    const authenticate = createAuthenticate(
      createAccessTokenVerifier({ jwksUrl, issuer: "coffer", audience: "coffer-api" }),
      check,
    );
    app.get("/ping", { preHandler: authenticate }, async () => ({ ok: true }));
    app.get("/query", { preHandler: authenticate }, async (request) => {
      const { rows } = await pool.query("SELECT root_folder_id FROM customers WHERE id = $1", [
        request.verifiedCustomer.customerId,
      ]);
      return { found: rows.length };
    });
    await app.ready();
    return app;
  }
  const without = await build(async (customer) => customer);
  const withCheck = await build(createPgAccessCheck(pool));

  /** Mean milliseconds a request takes with CONCURRENCY in flight (1,000 ÷ requests per second of wall time). */
  async function measure(app: FastifyInstance, url: string): Promise<number> {
    let left = REQUESTS;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (left-- > 0) {
          const response = await app.inject({ url, headers: { authorization: `Bearer ${token}` } });
          if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
        }
      }),
    );
    return (performance.now() - started) / REQUESTS;
  }

  const report: Record<string, unknown> = {};
  for (const url of ["/ping", "/query"]) {
    await measure(without, url); // warm up both: JIT, the JWKS fetched, pool connections open
    await measure(withCheck, url);
    const rounds = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      const a = await measure(without, url);
      const b = await measure(withCheck, url);
      rounds.push({ withoutMs: round(a, 3), withMs: round(b, 3), ratio: round(b / a, 3) });
    }
    const added = median(rounds.map((r) => r.withMs - r.withoutMs));
    report[url] = { rounds, medianRatio: median(rounds.map((r) => r.ratio)), medianAddedMs: round(added, 3) };
    console.log(
      `${url}: ${median(rounds.map((r) => r.withMs))} ms a request with the check, ` +
        `${median(rounds.map((r) => r.withoutMs))} ms without; time ratio ${median(rounds.map((r) => r.ratio))} ` +
        `(throughput ×${round(1 / median(rounds.map((r) => r.ratio)), 2)}), +${round(added, 3)} ms`,
    );
  }
  console.log(JSON.stringify(report));
  await without.close();
  await withCheck.close();
  jwks.close();
} finally {
  await pool.end();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
