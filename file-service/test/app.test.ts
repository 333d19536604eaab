import { randomUUID } from "node:crypto";
import { appStarter, createTestDatabase, expectLiveAndReady, itClosesOnSigterm } from "@coffer/contracts/testing";
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
  const start = appStarter((overrides) => buildApp(loadConfig({ ...env, ...overrides })));

  it("when every dependency answers, then live and ready are 200 and ready lists each as up", async () => {
    const app = await start();
    await expectLiveAndReady(app, { postgres: "up", minio: "up", kafka: "up", "schema-registry": "up" });
  });

  it("when the registry cannot be reached, then ready stays 200, degraded, naming it (uploads do not need it)", async () => {
    const app = await start({ SCHEMA_REGISTRY_URL: `http://${UNREACHABLE}` });
    const ready = await app.inject("/health/ready");
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: "degraded",
      checks: { postgres: "up", minio: "up", kafka: "up", "schema-registry": "down" },
    });
  });

  it("when it listens before its start is done, then live is 200, ready 503 STARTING and requests 503 until it is ready", async () => {
    let during: { live: number; ready: unknown; readyStatus: number; files: number } | undefined;
    const app = await buildApp(loadConfig(env), {
      async listen(listening) {
        const base = await listening.listen({ host: "127.0.0.1", port: 0 });
        const ready = await fetch(`${base}/health/ready`);
        during = {
          live: (await fetch(`${base}/health/live`)).status,
          readyStatus: ready.status,
          ready: await ready.json(),
          files: (await fetch(`${base}/files`)).status,
        };
      },
    });
    try {
      expect(during).toEqual({
        live: 200,
        readyStatus: 503,
        ready: { code: "STARTING", message: "starting" },
        files: 503,
      });
      expect((await app.inject("/health/ready")).statusCode).toBe(200);
    } finally {
      await app.close();
    }
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
