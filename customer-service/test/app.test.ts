import { appStarter, expectLiveAndReady, itClosesOnSigterm, spawnMain } from "@coffer/contracts/testing";
import { describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { ConfigError, loadConfig } from "../src/config.js";

const env = { ...process.env, PORT: "0", LOG_LEVEL: "silent" };
const UNREACHABLE = "127.0.0.1:1";

describe("customer-service: health", () => {
  const start = appStarter((overrides) => buildApp(loadConfig({ ...env, ...overrides })));

  it("when every dependency answers, then live and ready are 200 and ready lists each as up", async () => {
    const app = await start();
    await expectLiveAndReady(app, { mongodb: "up", kafka: "up", "schema-registry": "up" });
  });

  it("when Kafka and the registry cannot be reached, then ready stays 200, degraded, naming both (the outbox waits for them)", async () => {
    const app = await start({ KAFKA_BROKERS: UNREACHABLE, SCHEMA_REGISTRY_URL: `http://${UNREACHABLE}` });
    const ready = await app.inject("/health/ready");
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: "degraded",
      checks: { mongodb: "up", kafka: "down", "schema-registry": "down" },
    });
  });

  it("when a route does not exist, then the answer is a 404 with a code and the correlation id is echoed", async () => {
    const app = await start();
    const response = await app.inject({ url: "/nope", headers: { "x-correlation-id": "abc-123" } });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ code: "ROUTE_NOT_FOUND", message: "Route GET /nope not found" });
    expect(response.headers["x-correlation-id"]).toBe("abc-123");
  });
});

describe("customer-service: configuration", () => {
  it("when keys are missing or malformed, then loading fails naming every one", () => {
    const error = (() => {
      try {
        loadConfig({ PORT: "seventy", MONGO_URL: "http://wrong" });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(
      expect.arrayContaining([
        "KAFKA_BROKERS: is required",
        "SCHEMA_REGISTRY_URL: is required",
        expect.stringMatching(/^PORT: /),
        expect.stringMatching(/^MONGO_URL: /),
      ]),
    );
  });
});

describe("customer-service: the process", () => {
  const main = new URL("../src/main.ts", import.meta.url);

  it("when started with a bad configuration, then it exits 1 naming the bad keys", async () => {
    const { output, exited } = spawnMain(main, { PATH: process.env.PATH, PORT: "x" });
    const [code] = await exited;
    expect(code).toBe(1);
    expect(output.stderr).toContain("MONGO_URL: is required");
    expect(output.stderr).toContain("PORT: ");
  });

  itClosesOnSigterm(main, () => env);
});
