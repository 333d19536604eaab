// Login and token refresh against customer-service's own port (the gateway rate-limits login
// by design). Login is dominated by argon2id (OWASP parameters); refresh rotates the token,
// so every client keeps its own session and sends the token it was last given.
import { performance } from "node:perf_hooks";
import argon2 from "argon2";
import { ARGON2_OPTIONS } from "../customer-service/src/accounts/credentials.js";
import { PASSWORD, type BenchPlatform } from "./lib/platform.js";
import { percentile, round, type BenchResult } from "./lib/report.js";

const CLIENTS = 8;

async function closedLoop(durationSeconds: number, request: (client: number) => Promise<boolean>) {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const until = started + durationSeconds * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      while (performance.now() < until) {
        const t = performance.now();
        if (!(await request(client))) failures += 1;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    requests: latencies.length,
    failures,
    perSecond: round(latencies.length / seconds, 1),
    p50Ms: round(percentile(latencies, 0.5), 1),
    p99Ms: round(percentile(latencies, 0.99), 1),
  };
}

export async function runAuth(platform: BenchPlatform, options: { durationSeconds: number }): Promise<BenchResult> {
  const post = (path: string, body: object) =>
    fetch(`${platform.customerUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const accounts = await Promise.all(Array.from({ length: CLIENTS }, () => platform.register()));

  const hashStarted = performance.now();
  for (let i = 0; i < 10; i += 1) await argon2.hash(PASSWORD, ARGON2_OPTIONS);
  const oneHashMs = round((performance.now() - hashStarted) / 10, 1);

  const login = await closedLoop(options.durationSeconds, async (client) => {
    const response = await post("/auth/login", { email: accounts[client]!.email, password: PASSWORD });
    await response.arrayBuffer();
    return response.ok;
  });
  const refreshTokens = await Promise.all(
    accounts.map(async ({ email }) => {
      const response = await post("/auth/login", { email, password: PASSWORD });
      return ((await response.json()) as { refreshToken: string }).refreshToken;
    }),
  );
  const refresh = await closedLoop(options.durationSeconds, async (client) => {
    const response = await post("/auth/refresh", { refreshToken: refreshTokens[client] });
    if (!response.ok) return (await response.arrayBuffer(), false);
    refreshTokens[client] = ((await response.json()) as { refreshToken: string }).refreshToken;
    return true;
  });

  const params = `argon2id m=${ARGON2_OPTIONS.memoryCost / 1024} MiB t=${ARGON2_OPTIONS.timeCost} p=${ARGON2_OPTIONS.parallelism}, ${oneHashMs} ms a hash`;
  const figures = (r: typeof login) =>
    `${r.perSecond} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms${r.failures > 0 ? `, ${r.failures} failed` : ""}`;
  return {
    rows: [
      {
        what: `login, ${CLIENTS} clients (${params})`,
        baseline: "—",
        ratios: [],
        context: figures(login),
      },
      {
        what: `token refresh, ${CLIENTS} clients (FerretDB)`,
        baseline: "—",
        ratios: [],
        context: figures(refresh),
      },
    ],
    raw: { argon2: { ...ARGON2_OPTIONS, type: "argon2id", oneHashMs }, clients: CLIENTS, login, refresh },
  };
}
