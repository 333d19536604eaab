import { TOPICS } from "@coffer/contracts";
import { freePort, scrapeMetrics } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../src/config.js";
import {
  createEventTap,
  dropDatabase,
  type EventTap,
  registerVerifiedCustomer,
  startApp,
  testConfig,
} from "./support.js";

const MAX_FAILURES = 3;
let config: Config;
let app: FastifyInstance;
let tap: EventTap;

beforeAll(async () => {
  config = testConfig({
    LOGIN_MAX_FAILURES: String(MAX_FAILURES),
    LOGIN_LOCK_FIRST_SECONDS: "600",
    METRICS_PORT: String(await freePort()),
  });
  tap = await createEventTap([TOPICS.customerEmailVerificationRequested]);
  app = await startApp(config);
});
afterAll(async () => {
  await app?.close();
  await tap?.close();
  await dropDatabase(config);
});

const login = (email: string, password: string) =>
  app.inject({ method: "POST", url: "/auth/login", payload: { email, password } });

describe("customer-service's metrics", () => {
  it("when a login succeeds, then fails until the account locks, then /metrics counts each outcome, one lockout, and the published events", async () => {
    const before = await scrapeMetrics(config.metrics.port);
    const customer = await registerVerifiedCustomer(app, tap);
    for (let i = 0; i < MAX_FAILURES; i += 1)
      expect((await login(customer.email, "wrong password")).statusCode).toBe(401);
    expect((await login(customer.email, customer.password)).statusCode).toBe(429);

    const moved = (after: Awaited<ReturnType<typeof scrapeMetrics>>, name: string, labels?: Record<string, string>) =>
      (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);
    await expect
      .poll(async () => moved(await scrapeMetrics(config.metrics.port), "coffer_events_published_total"))
      .toBeGreaterThan(0);
    const after = await scrapeMetrics(config.metrics.port);
    expect(moved(after, "coffer_logins_total", { outcome: "success" })).toBe(1);
    expect(moved(after, "coffer_logins_total", { outcome: "failure" })).toBe(MAX_FAILURES);
    expect(moved(after, "coffer_logins_total", { outcome: "locked" })).toBe(1);
    expect(moved(after, "coffer_account_lockouts_total")).toBe(1);
    expect(after.value("coffer_http_requests_total", { route: "/auth/login", status_code: "401" })).toBe(MAX_FAILURES);
    expect(after.value("coffer_dependency_up", { dependency: "mongodb" })).toBe(1);
    expect(after.value("coffer_dependency_up", { dependency: "registry" })).toBe(1);
    expect(after.of("coffer_outbox_pending_events")).toHaveLength(1);
    expect(after.of("coffer_outbox_oldest_pending_age_seconds")).toHaveLength(1);
    expect(after.text).not.toContain(customer.id);
    expect(after.text).not.toContain(customer.email);
  });
});
