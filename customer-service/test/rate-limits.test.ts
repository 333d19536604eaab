import { randomUUID } from "node:crypto";
import { createTcpPath } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropDatabase, startApp, testConfig } from "./support.js";

// The mail routes' per-address limit (5 in 15 minutes) is counted in Redis: instances on one
// database share it, whichever of them a request reaches.

const config = testConfig();
let first: FastifyInstance;
let second: FastifyInstance;

beforeAll(async () => {
  [first, second] = await Promise.all([startApp(config), startApp(config)]);
});
afterAll(async () => {
  await first?.close();
  await second?.close();
  await dropDatabase(config);
});

const askReset = (app: FastifyInstance, remoteAddress: string) =>
  app.inject({
    method: "POST",
    url: "/auth/password/forgot",
    remoteAddress,
    payload: { email: `nobody-${randomUUID()}@example.com` },
  });

describe("the routes' rate limits", () => {
  it("when one address alternates between two instances, then the limit holds in total: 5, then 429 RATE_LIMITED with Retry-After", async () => {
    const answers = [];
    for (let i = 0; i < 8; i += 1) answers.push(await askReset(i % 2 ? second : first, "198.51.100.41"));

    expect(answers.map((a) => a.statusCode)).toEqual([202, 202, 202, 202, 202, 429, 429, 429]);
    expect(answers.map((a) => a.headers["x-ratelimit-remaining"])).toEqual(["4", "3", "2", "1", "0", "0", "0", "0"]);
    expect(answers[5]!.json().code).toBe("RATE_LIMITED");
    expect(Number(answers[5]!.headers["retry-after"])).toBeGreaterThan(0);
    expect(Number(answers[5]!.headers["retry-after"])).toBeLessThanOrEqual(15 * 60);
    // Another address has its own count.
    expect((await askReset(second, "198.51.100.42")).statusCode).toBe(202);
  });

  it("when another deployment (its own database) uses the same Redis, then it counts apart", async () => {
    const other = testConfig();
    const app = await startApp(other);
    try {
      for (let i = 0; i < 5; i += 1) expect((await askReset(first, "198.51.100.43")).statusCode).toBe(202);
      expect((await askReset(first, "198.51.100.43")).statusCode).toBe(429);
      expect((await askReset(app, "198.51.100.43")).statusCode).toBe(202);
    } finally {
      await app.close();
      await dropDatabase(other);
    }
  });

  it("when Redis cannot be reached, then the requests are served without the limit, promptly", async () => {
    const path = await createTcpPath(new URL(process.env.REDIS_URL!));
    const cut = testConfig({ REDIS_URL: path.url });
    const app = await startApp(cut);
    try {
      expect((await askReset(app, "198.51.100.44")).headers["x-ratelimit-remaining"]).toBe("4");
      await path.cut();
      const started = Date.now();
      for (let i = 0; i < 6; i += 1) expect((await askReset(app, "198.51.100.44")).statusCode).toBe(202);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await app.close();
      await path.restore();
      await dropDatabase(cut);
    }
  });
});
