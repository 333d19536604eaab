import { randomUUID } from "node:crypto";
import { createTestDatabase, expectLiveAndReady, itClosesOnSigterm } from "@coffer/contracts/testing";
import * as Minio from "minio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { ConfigError, loadConfig } from "../src/config.js";

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
    MINIO_BUCKET: `test-${randomUUID()}`,
    CONSUMER_GROUP: `file-app-test-${randomUUID()}`,
    CONSUMER_FROM_BEGINNING: "false",
  };
});
afterAll(async () => {
  const config = loadConfig(env);
  const { bucket, ...options } = config.minio;
  await new Minio.Client(options).removeBucket(bucket);
  await database.drop();
});

describe("file-service: health", () => {
  const apps: Awaited<ReturnType<typeof buildApp>>[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
  });
  async function start(overrides: Record<string, string> = {}) {
    const app = await buildApp(loadConfig({ ...env, ...overrides }));
    apps.push(app);
    return app;
  }

  it("when every dependency answers, then live and ready are 200 and ready lists each as up", async () => {
    const app = await start();
    await expectLiveAndReady(app, { postgres: "up", minio: "up", kafka: "up", "schema-registry": "up" });
  });

  it("when the registry cannot be reached, then ready is 503 and names it", async () => {
    const app = await start({ SCHEMA_REGISTRY_URL: `http://${UNREACHABLE}` });
    const ready = await app.inject("/health/ready");
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ code: "DEPENDENCY_UNAVAILABLE", message: "unavailable: schema-registry" });
  });

  it("when PostgreSQL cannot be reached at start, then the service does not start (its migrations cannot run)", async () => {
    await expect(start({ DATABASE_URL: `postgres://coffer:x@${UNREACHABLE}/none` })).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe("file-service: configuration", () => {
  it("when keys are missing or malformed, then loading fails naming every one", () => {
    expect(() => loadConfig({ MINIO_ENDPOINT: "minio:9000", MINIO_BUCKET: "Bad_Bucket" })).toThrow(ConfigError);
    try {
      loadConfig({ MINIO_ENDPOINT: "minio:9000", MINIO_BUCKET: "Bad_Bucket" });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual(
        expect.arrayContaining([
          "DATABASE_URL: is required",
          "MINIO_ACCESS_KEY: is required",
          "MINIO_SECRET_KEY: is required",
          "KAFKA_BROKERS: is required",
          "SCHEMA_REGISTRY_URL: is required",
          expect.stringMatching(/^MINIO_ENDPOINT: /),
          expect.stringMatching(/^MINIO_BUCKET: /),
        ]),
      );
    }
  });
});

describe("file-service: the process", () => {
  itClosesOnSigterm(new URL("../src/main.ts", import.meta.url), () => env);
});
