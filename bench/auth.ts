// Login and token refresh against customer-service's own port (the gateway rate-limits login
// by design). Login is dominated by argon2id (OWASP parameters); refresh rotates the token,
// so every client keeps its own session and sends the token it was last given.
import { performance } from "node:perf_hooks";
import argon2 from "argon2";
import mongoose from "mongoose";
import { ARGON2_OPTIONS } from "../customer-service/src/accounts/credentials.js";
import { createClaimRepository } from "../customer-service/src/claims/claim-repository.js";
import { createModels } from "../customer-service/src/database.js";
import { createSessionRepository } from "../customer-service/src/sessions/session-repository.js";
import { PASSWORD, type BenchPlatform } from "./lib/platform.js";
import { percentile, round, type BenchResult } from "./lib/report.js";

const CLIENTS = 8;
/** Collection sizes at which one rotation-shaped write is timed on the MongoDB-wire server. */
const WRITE_PROBE_SIZES = [100, 1_000, 10_000];
const WRITE_PROBE_OPS = 50;

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

/**
 * What one refresh's writes cost on the development MongoDB server, by collection size:
 * customer-service's own session rotation (a findAndModify by _id) and refresh-token claim (an
 * insert), one client, in a scratch database beside the bench's. FerretDB v1 pushes an equality
 * down as jsonb containment (`_jsonb->'_id' @> …`), which no index serves, so the first grows with
 * the collection; and the front lets one write at a time in, so their sum bounds refreshes a
 * second whatever the clients do.
 */
async function probeWrites(mongoUrl: string) {
  const probeUrl = new URL(mongoUrl);
  probeUrl.pathname += "_write_probe";
  const connection = await mongoose.createConnection(probeUrl.toString()).asPromise();
  const models = createModels(connection);
  const sessions = createSessionRepository(models.Session);
  const claims = createClaimRepository(models.Claim);
  const sessionsNow = await connection
    .useDb(new URL(mongoUrl).pathname.slice(1))
    .collection("sessions")
    .countDocuments();
  const msPer = async (op: (i: number) => Promise<unknown>) => {
    const started = performance.now();
    for (let i = 0; i < WRITE_PROBE_OPS; i += 1) await op(i);
    return round((performance.now() - started) / WRITE_PROBE_OPS, 2);
  };
  const bySize: { documents: number; rotateMs: number; claimMs: number }[] = [];
  try {
    let documents = 0;
    for (const size of WRITE_PROBE_SIZES) {
      const docs = Array.from({ length: size - documents }, (_, k) => ({
        _id: `s${documents + k}`,
        customerId: "bench",
        refreshTokenHash: `h${documents + k}`,
        lastUsedAt: new Date(),
        expiresAt: new Date(Date.now() + 86_400_000),
      }));
      for (let at = 0; at < docs.length; at += 1000) await models.Session.insertMany(docs.slice(at, at + 1000));
      documents = size;
      // Spread over the collection, as sessions are: not only the first rows a scan meets.
      const idOf = (i: number) => Math.floor(((i + 0.5) * size) / WRITE_PROBE_OPS);
      const rotateMs = await msPer((i) => sessions.rotate(`s${idOf(i)}`, `h${idOf(i)}`, `r${idOf(i)}`));
      const claimMs = await msPer((i) => claims.claim(`refresh-token:${size}-${i}`));
      bySize.push({ documents: size, rotateMs, claimMs });
    }
  } finally {
    await connection.dropDatabase().catch(() => undefined);
    await connection.close();
  }
  return { sessionsNow, bySize };
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

  const writes = await probeWrites(platform.mongoUrl);
  const [smallest, largest] = [writes.bySize[0]!, writes.bySize.at(-1)!];

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
      {
        what: `what bounds refresh: one rotation's findAndModify by _id and one claim's insert on FerretDB, one client, by collection size (${WRITE_PROBE_SIZES.map((n) => n.toLocaleString("en-US")).join(" / ")} documents)`,
        baseline: "—",
        ratios: [],
        context:
          `findAndModify ${writes.bySize.map((w) => w.rotateMs).join(" / ")} ms, insert ${writes.bySize.map((w) => w.claimMs).join(" / ")} ms; ` +
          `${writes.sessionsNow} sessions during the refresh run; writes one at a time: ≤ ${round(1000 / (smallest.rotateMs + smallest.claimMs), 0)} refreshes/s at ${smallest.documents}, ${round(1000 / (largest.rotateMs + largest.claimMs), 0)} at ${largest.documents.toLocaleString("en-US")}`,
      },
    ],
    raw: {
      argon2: { ...ARGON2_OPTIONS, type: "argon2id", oneHashMs },
      clients: CLIENTS,
      login,
      refresh,
      writeProbe: writes,
    },
  };
}
