// Login and token-refresh throughput and latency of customer-service over HTTP on loopback.
// Login is dominated by argon2id by design (OWASP parameters); refresh is a hash and two writes.
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import argon2 from "argon2";
import mongoose from "mongoose";
import { buildApp } from "../customer-service/src/app.js";
import { loadConfig } from "../customer-service/src/config.js";
import { ARGON2_OPTIONS } from "../customer-service/src/customers/credentials.js";

const CONCURRENCY = 8;
const LOGINS = Number(process.env.BENCH_LOGINS ?? 200);
const REFRESHES = Number(process.env.BENCH_REFRESHES ?? 2000);

const mongoUrl = Object.assign(new URL(process.env.MONGO_URL!), {
  pathname: `/bench_${randomUUID().replaceAll("-", "")}`,
});
const config = loadConfig({
  ...process.env,
  PORT: "0",
  LOG_LEVEL: "warn",
  MONGO_URL: mongoUrl.toString(),
  JWT_KEYS_DIR: mkdtempSync(join(tmpdir(), "coffer-bench-jwt-")),
  JWT_GENERATE_KEY: "true",
  LOGIN_MAX_FAILURES_PER_CLIENT: "1000000",
});
const app = await buildApp(config);
const base = await app.listen({ host: "127.0.0.1", port: 0 });
const post = (path: string, body: object) =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

const password = "benchmark passphrase";
const emails = Array.from({ length: CONCURRENCY }, () => `bench-${randomUUID()}@example.com`);
for (const email of emails) await post("/auth/register", { email, password, displayName: "Bench" });
const connection = await mongoose.createConnection(config.mongoUrl).asPromise();
await connection.collection("customers").updateMany({}, { $set: { emailVerifiedAt: new Date() } });

async function run(total: number, request: (worker: number) => Promise<Response>) {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      while (next < total) {
        next += 1;
        const t = performance.now();
        const response = await request(worker);
        latencies.push(performance.now() - t);
        if (!response.ok) failures += 1;
        await response.arrayBuffer();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => +latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
  return { requests: total, failures, perSecond: +(total / seconds).toFixed(1), p50Ms: at(0.5), p99Ms: at(0.99) };
}

const hashStarted = performance.now();
for (let i = 0; i < 10; i += 1) await argon2.hash(password, ARGON2_OPTIONS);
const argon2Ms = +((performance.now() - hashStarted) / 10).toFixed(1);

const login = await run(LOGINS, (worker) => post("/auth/login", { email: emails[worker], password }));
const refreshTokens = await Promise.all(
  emails.map(
    async (email) =>
      ((await (await post("/auth/login", { email, password })).json()) as { refreshToken: string }).refreshToken,
  ),
);
const refresh = await run(REFRESHES, async (worker) => {
  const response = await post("/auth/refresh", { refreshToken: refreshTokens[worker] });
  const clone = response.clone();
  if (response.ok) refreshTokens[worker] = ((await clone.json()) as { refreshToken: string }).refreshToken;
  return response;
});

await connection.dropDatabase();
await connection.close();
await app.close();

const result = {
  benchmark: "customer-service login and refresh",
  concurrency: CONCURRENCY,
  argon2: { ...ARGON2_OPTIONS, type: "argon2id", oneHashMs: argon2Ms },
  login,
  refresh,
  machine: { cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  at: new Date().toISOString(),
};
console.log(
  `\n${result.benchmark} (${CONCURRENCY} concurrent clients; argon2id m=19 MiB t=2 p=1: ${argon2Ms} ms per hash)`,
);
console.table({ login, refresh });
const dir = new URL("results/", import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL(`${result.at.slice(0, 10)}-auth.json`, dir), `${JSON.stringify(result, null, 2)}\n`);
if (login.failures + refresh.failures > 0) process.exitCode = 1;
