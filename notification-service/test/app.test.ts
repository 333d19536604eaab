import { randomUUID } from "node:crypto";
import { appStarter, createTestDatabase, expectLiveAndReady, itClosesOnSigterm } from "@coffer/contracts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { ConfigError, loadConfig } from "../src/config.js";
import { testConfig } from "./support.js";

const UNREACHABLE = "127.0.0.1:1";
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  database = await createTestDatabase();
  env = {
    ...process.env,
    PORT: "0",
    LOG_LEVEL: "silent",
    DATABASE_URL: database.url,
    CONSUMER_GROUP: `notification-app-test-${randomUUID()}`,
    CONSUMER_FROM_BEGINNING: "false",
  };
});
afterAll(async () => database.drop());

describe("notification-service: health", () => {
  const start = appStarter((overrides) => buildApp(loadConfig({ ...env, ...overrides })));

  it("when every dependency answers, then live and ready are 200 and ready lists each as up", async () => {
    const app = await start();
    await expectLiveAndReady(app, { postgres: "up", smtp: "up", kafka: "up", "schema-registry": "up" });
  });

  it("when the SMTP server cannot be reached, then ready stays 200, degraded, naming it (mails wait, requests do not)", async () => {
    const app = await start({ SMTP_URL: `smtp://${UNREACHABLE}` });
    const ready = await app.inject("/health/ready");
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: "degraded",
      checks: { postgres: "up", kafka: "up", "schema-registry": "up", smtp: "down" },
    });
  });
});

describe("notification-service: configuration", () => {
  it("when keys are missing or malformed, then loading fails naming every one", () => {
    let error: unknown;
    try {
      loadConfig({
        SMTP_URL: "mail.example.com",
        LOG_LEVEL: "loud",
        DATABASE_LISTEN_URL: "pgbouncer:6432",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(
      expect.arrayContaining([
        "DATABASE_URL: is required",
        "KAFKA_BROKERS: is required",
        "SCHEMA_REGISTRY_URL: is required",
        expect.stringMatching(/^SMTP_URL: /),
        expect.stringMatching(/^LOG_LEVEL: /),
        expect.stringMatching(/^DATABASE_LISTEN_URL: /),
      ]),
    );
  });

  it("when a handler may wait as long as the session lasts, then loading fails: the member would be evicted while it waits", () => {
    expect(() =>
      testConfig({
        DATABASE_URL: "postgres://coffer@db:5432/notifications",
        CONSUMER_SESSION_TIMEOUT_MS: "10000",
        CONSUMER_MAX_WAIT_IN_HANDLER_MS: "10000",
      }),
    ).toThrow("CONSUMER_MAX_WAIT_IN_HANDLER_MS: must be below CONSUMER_SESSION_TIMEOUT_MS");
  });

  it("when no LISTEN address is given, then LISTEN uses DATABASE_URL; a pooled DATABASE_URL takes its own", () => {
    const direct = "postgres://coffer@db:5432/notifications";
    expect(testConfig({ DATABASE_URL: direct }).databaseListenUrl).toBe(direct);
    const pooled = testConfig({
      DATABASE_URL: "postgres://coffer@pgbouncer:6432/notifications",
      DATABASE_LISTEN_URL: direct,
    });
    expect(pooled.databaseListenUrl).toBe(direct);
  });
});

describe("notification-service: the process", () => {
  itClosesOnSigterm(new URL("../src/main.ts", import.meta.url), () => env);
});
