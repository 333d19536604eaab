import { TOPICS } from "@coffer/contracts";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createEventTap,
  dropDatabase,
  type EventTap,
  registerVerifiedCustomer,
  startApp,
  testConfig,
} from "./support.js";

const config = testConfig();
let app: FastifyInstance;
let tap: EventTap;

beforeAll(async () => {
  tap = await createEventTap([TOPICS.customerEmailVerificationRequested]);
  app = await startApp(config);
});
afterAll(async () => {
  await app?.close();
  await tap?.close();
  await dropDatabase(config);
});

describe("responses that carry tokens", () => {
  it("when tokens are issued by login or refresh, then no cache may keep the response (Cache-Control: no-store)", async () => {
    const customer = await registerVerifiedCustomer(app, tap);
    const login = await app.inject({
      method: "POST",
      url: "/auth/login",
      payload: { email: customer.email, password: customer.password },
    });
    expect(login.statusCode).toBe(200);
    expect(login.headers["cache-control"]).toBe("no-store");

    const refresh = await app.inject({
      method: "POST",
      url: "/auth/refresh",
      payload: { refreshToken: login.json().refreshToken },
    });
    expect(refresh.statusCode).toBe(200);
    expect(refresh.headers["cache-control"]).toBe("no-store");
  });

  it("when the OpenAPI document describes login and refresh, then it shows the no-store header of their answer", async () => {
    const document = (await app.inject("/openapi.json")).json();
    for (const path of ["/auth/login", "/auth/refresh"]) {
      expect(document.paths[path].post.responses["200"].headers).toHaveProperty("cache-control");
    }
  });
});
