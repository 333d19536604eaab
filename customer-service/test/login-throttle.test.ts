import { randomUUID } from "node:crypto";
import { TOPICS } from "@coffer/contracts";
import { createTcpPath } from "@coffer/contracts/testing";
import argon2 from "argon2";
import type { FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createEventTap,
  dropDatabase,
  type EventTap,
  registerVerifiedCustomer,
  startApp,
  testConfig,
} from "./support.js";

const MAX_FAILURES = 5;
// A first lock longer than any batch of guesses takes on a loaded machine: then exactly MAX_FAILURES are evaluated.
const LOCK = { LOGIN_LOCK_FIRST_SECONDS: "600" };
const config = testConfig({ LOGIN_MAX_FAILURES: String(MAX_FAILURES), ...LOCK });
// Two instances of the service on one database, as behind a load balancer.
let first: FastifyInstance;
let second: FastifyInstance;
let tap: EventTap;

beforeAll(async () => {
  tap = await createEventTap([TOPICS.customerEmailVerificationRequested]);
  [first, second] = await Promise.all([startApp(config), startApp(config)]);
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  await first?.close();
  await second?.close();
  await tap?.close();
  await dropDatabase(config);
});

const login = (app: FastifyInstance, email: string, password: string, remoteAddress = "127.0.0.1") =>
  app.inject({ method: "POST", url: "/auth/login", payload: { email, password }, remoteAddress });

/** 50 wrong guesses at once, alternating between the instances, each from its own address. */
async function guessInParallel(email: string, apps: FastifyInstance[]) {
  const verifications = vi.spyOn(argon2, "verify");
  const answers = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      login(apps[i % apps.length]!, email, `wrong guess ${i}`, `198.51.100.${i + 1}`),
    ),
  );
  const evaluated = verifications.mock.calls.length;
  verifications.mockRestore();
  return { evaluated, statuses: answers.map((a) => a.statusCode), answers };
}

describe("the login throttle against parallel guesses", () => {
  it.each([
    ["one instance", () => [first]],
    ["two instances on one database", () => [first, second]],
  ])(
    "when 50 wrong passwords arrive at once (%s), then exactly the allowed number are hashed, the rest are 429, and the right password is locked out too",
    async (_, apps) => {
      const customer = await registerVerifiedCustomer(first, tap);
      const { evaluated, statuses, answers } = await guessInParallel(customer.email, apps());

      expect(evaluated).toBe(MAX_FAILURES);
      expect(statuses.filter((s) => s === 401).length).toBe(MAX_FAILURES);
      expect(statuses.filter((s) => s === 429).length).toBe(50 - MAX_FAILURES);
      const refused = answers.find((a) => a.statusCode === 429)!;
      expect(refused.json().code).toBe("TOO_MANY_ATTEMPTS");
      expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);

      for (const app of [first, second]) {
        const locked = await login(app, customer.email, customer.password, "203.0.113.9");
        expect(locked.statusCode).toBe(429);
      }
    },
  );

  it("when the address is unknown, then the parallel guesses are limited the same way (nothing tells whether it exists)", async () => {
    const { evaluated, statuses } = await guessInParallel(`ghost-${randomUUID()}@example.com`, [first, second]);
    expect(evaluated).toBe(MAX_FAILURES);
    expect(statuses.filter((s) => s === 429).length).toBe(50 - MAX_FAILURES);
  });

  it("when one client sprays many addresses at once, then its own limit holds across both instances", async () => {
    const perClient = 4;
    const spray = testConfig({ LOGIN_MAX_FAILURES_PER_CLIENT: String(perClient), ...LOCK });
    const apps = await Promise.all([startApp(spray), startApp(spray)]);
    try {
      const verifications = vi.spyOn(argon2, "verify");
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          login(apps[i % 2]!, `sprayed-${i}-${randomUUID()}@example.com`, "wrong guess", "192.0.2.77"),
        ),
      );
      expect(verifications.mock.calls.length).toBe(perClient);
      expect(answers.filter((a) => a.statusCode === 429)).toHaveLength(30 - perClient);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
      await dropDatabase(spray);
    }
  });
  it("when a crowd behind one address (70 at once, the client's limit 50) tries wrong passwords on both instances, then exactly 50 are verified", async () => {
    const crowd = testConfig({ LOGIN_MAX_FAILURES_PER_CLIENT: "50", ...LOCK });
    const apps = await Promise.all([startApp(crowd), startApp(crowd)]);
    try {
      const verifications = vi.spyOn(argon2, "verify");
      const answers = await Promise.all(
        Array.from({ length: 70 }, (_, i) =>
          login(apps[i % 2]!, `crowd-${i}-${randomUUID()}@example.com`, "wrong guess", "192.0.2.88"),
        ),
      );
      expect(verifications.mock.calls.length).toBe(50);
      expect(answers.filter((a) => a.statusCode === 401)).toHaveLength(50);
      expect(answers.filter((a) => a.statusCode === 429)).toHaveLength(20);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
      await dropDatabase(crowd);
    }
  });

  it("when Redis, where the attempts are counted, cannot be reached, then a login answers 503 DEPENDENCY_UNAVAILABLE promptly, and counts once it is back", async () => {
    const path = await createTcpPath(new URL(process.env.REDIS_URL!));
    const cut = testConfig({ REDIS_URL: path.url, LOGIN_MAX_FAILURES: "1", ...LOCK });
    const app = await startApp(cut);
    try {
      const email = `ghost-${randomUUID()}@example.com`;
      await path.cut();
      const started = Date.now();
      const answer = await login(app, email, "wrong guess");
      expect(answer.statusCode).toBe(503);
      expect(answer.json().code).toBe("DEPENDENCY_UNAVAILABLE");
      expect(Date.now() - started).toBeLessThan(10_000);

      await path.restore();
      await vi.waitFor(async () => expect((await login(app, email, "wrong guess")).statusCode).toBe(401), {
        timeout: 15_000,
        interval: 200,
      });
      expect((await login(app, email, "wrong guess")).statusCode).toBe(429);
    } finally {
      await app.close();
      await dropDatabase(cut);
    }
  });
});
