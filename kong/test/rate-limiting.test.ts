import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createTcpPath } from "@coffer/contracts/testing";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createGateway } from "../src/gateway.js";
import { parseKongConfig } from "../src/kong-config.js";

const EMPTY_UUID = "00000000-0000-0000-0000-000000000000";
const redisUrl = new URL(process.env.REDIS_URL!);
const redis = new Redis(redisUrl.toString());

const upstream = createServer((_req, res) => res.end("ok"));
let upstreamPort: number;
const gateways: Server[] = [];

/** A gateway over the stub upstream whose one route (its name new for each call) has `rateLimiting`. */
async function startGateway(route: string, rateLimiting: Record<string, unknown>): Promise<string> {
  const config = parseKongConfig({
    _format_version: "3.0",
    services: [
      {
        name: "customer-auth",
        url: "http://upstream.test",
        routes: [{ name: route, paths: ["/auth/login"], plugins: [{ name: "rate-limiting", config: rateLimiting }] }],
      },
    ],
  });
  const gateway = createGateway({
    config,
    jwtKeys: new Map(),
    logger: pino({ level: "silent" }),
    resolve: () => ({ host: "127.0.0.1", port: upstreamPort }),
    listenPort: 0,
  });
  gateway.listen(0, "127.0.0.1");
  await once(gateway, "listening");
  gateways.push(gateway);
  return `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
}

const redisOf = (url: URL | string) => {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port) };
};

function login(base: string, localAddress: string) {
  return new Promise<{ status: number; headers: IncomingMessage["headers"]; body: string }>((resolve, reject) => {
    const req = request(`${base}/auth/login`, { method: "POST", localAddress }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Waits, if need be, until the current minute has time left for a test's requests. */
async function awaitRoomInTheMinute(seconds: number) {
  await vi.waitFor(
    () => {
      if (Date.now() % 60_000 > (60 - seconds) * 1000) throw new Error("the minute is about to end");
    },
    { timeout: (seconds + 5) * 1000, interval: 200 },
  );
}

beforeAll(async () => {
  upstream.listen(0, "127.0.0.1");
  await once(upstream, "listening");
  upstreamPort = (upstream.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const gateway of gateways) {
    gateway.closeAllConnections();
    gateway.close();
  }
  upstream.close();
  redis.disconnect();
});

describe("rate-limiting with the redis policy", () => {
  it("when logins alternate between two gateways, then 10 a minute is 10 in total, counted under Kong's keys", async () => {
    const route = `auth-login-${randomUUID()}`;
    const limits = { minute: 10, hour: 100, limit_by: "ip", policy: "redis", redis: redisOf(redisUrl) };
    const bases = [await startGateway(route, limits), await startGateway(route, limits)];
    await awaitRoomInTheMinute(15);

    const answers = [];
    for (let i = 0; i < 14; i += 1) answers.push(await login(bases[i % 2]!, "127.0.0.21"));

    expect(answers.map((a) => a.status)).toEqual([...Array(10).fill(200), ...Array(4).fill(429)]);
    expect(answers.map((a) => a.headers["ratelimit-remaining"])).toEqual([
      ...["9", "8", "7", "6", "5", "4", "3", "2", "1", "0"],
      ...["0", "0", "0", "0"],
    ]);
    expect(answers[9]!.headers["x-ratelimit-remaining-hour"]).toBe("90");
    expect(answers[10]).toMatchObject({ status: 429, body: JSON.stringify({ message: "API rate limit exceeded" }) });
    expect(Number(answers[10]!.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(Number(answers[10]!.headers["retry-after"])).toBeLessThanOrEqual(60);

    // Kong's keys and expiries: every request counted, refused ones too, in the window it fell in.
    const minuteKeys = await redis.keys(`ratelimit:${route}:${EMPTY_UUID}:127.0.0.21:*:minute`);
    expect(minuteKeys).toHaveLength(1);
    const windowStart = Number(minuteKeys[0]!.split(":").at(-2));
    expect(windowStart % 60_000).toBe(0);
    expect(await redis.get(minuteKeys[0]!)).toBe("14");
    expect(await redis.ttl(minuteKeys[0]!)).toBeGreaterThan(0);
    expect(await redis.ttl(minuteKeys[0]!)).toBeLessThanOrEqual(60);
    const [hourKey] = await redis.keys(`ratelimit:${route}:${EMPTY_UUID}:127.0.0.21:*:hour`);
    expect(await redis.get(hourKey!)).toBe("14");
    expect(await redis.ttl(hourKey!)).toBeLessThanOrEqual(3600);

    // Another address has its own count.
    expect((await login(bases[0]!, "127.0.0.22")).status).toBe(200);
  });

  it("when Redis cannot be reached, then requests go through without rate-limit headers (fault_tolerant), or get Kong's 500 when it is off", async () => {
    const path = await createTcpPath(redisUrl);
    const route = `auth-login-${randomUUID()}`;
    const limits = { minute: 2, limit_by: "ip", policy: "redis", redis: { ...redisOf(path.url), timeout: 500 } };
    const tolerant = await startGateway(route, limits);
    const strict = await startGateway(`${route}-strict`, { ...limits, fault_tolerant: false });
    await awaitRoomInTheMinute(15);
    expect((await login(tolerant, "127.0.0.23")).headers["ratelimit-remaining"]).toBe("1");

    await path.cut();
    const started = Date.now();
    const during = [await login(tolerant, "127.0.0.23"), await login(tolerant, "127.0.0.23")];
    expect(during.map((a) => a.status)).toEqual([200, 200]);
    expect(during.map((a) => a.headers["ratelimit-remaining"])).toEqual([undefined, undefined]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await login(strict, "127.0.0.23")).toMatchObject({
      status: 500,
      body: JSON.stringify({ message: "An unexpected error occurred" }),
    });

    await path.restore();
    await vi.waitFor(async () => expect((await login(tolerant, "127.0.0.23")).status).toBe(429), {
      timeout: 10_000,
      interval: 200,
    });
  });
});
