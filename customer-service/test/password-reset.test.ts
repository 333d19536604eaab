import { randomUUID } from "node:crypto";
import { TOPICS } from "@coffer/contracts";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cipher,
  createEventTap,
  dropDatabase,
  registerVerifiedCustomer,
  startApp,
  testConfig,
  type EventTap,
} from "./support.js";

const config = testConfig();
let app: FastifyInstance;
let tap: EventTap;

beforeAll(async () => {
  tap = await createEventTap([
    TOPICS.customerEmailVerificationRequested,
    TOPICS.customerPasswordResetRequested,
    TOPICS.customerPasswordChanged,
  ]);
  app = await startApp(config);
});
afterAll(async () => {
  await app?.close();
  await tap?.close();
  await dropDatabase(config);
});

const forgot = (email: string) => app.inject({ method: "POST", url: "/auth/password/forgot", payload: { email } });
const reset = (token: string, newPassword: string) =>
  app.inject({ method: "POST", url: "/auth/password/reset", payload: { token, newPassword } });

describe("password reset", () => {
  it("when a reset is asked for, then the answer is 202 and the same whether or not the account exists", async () => {
    const customer = await registerVerifiedCustomer(app, tap);
    const known = await forgot(customer.email);
    const unknown = await forgot(`nobody-${randomUUID()}@example.com`);
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(known.body).toBe(unknown.body);
    const event = await tap.next(TOPICS.customerPasswordResetRequested, customer.id);
    expect(event.email).toBe(customer.email);
    expect(event.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(30 * 60_000);
  });

  it("when the link is used, then the password changes, every session ends, the link is spent, and customer.password-changed is published", async () => {
    const customer = await registerVerifiedCustomer(app, tap);
    await forgot(customer.email);
    const event = await tap.next(TOPICS.customerPasswordResetRequested, customer.id);
    const token = cipher.decrypt(event.token, `${TOPICS.customerPasswordResetRequested}:${customer.id}`);
    expect(event.raw.includes(Buffer.from(token))).toBe(false);

    const tooShort = await reset(token, "short");
    expect(tooShort.statusCode).toBe(400);
    expect((await reset(token, "a fresh new passphrase")).statusCode).toBe(204);
    const again = await reset(token, "yet another passphrase");
    expect(again.statusCode).toBe(400);
    expect(again.json().code).toBe("INVALID_TOKEN");

    const refresh = await app.inject({
      method: "POST",
      url: "/auth/refresh",
      payload: { refreshToken: customer.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
    const login = (password: string) =>
      app.inject({ method: "POST", url: "/auth/login", payload: { email: customer.email, password } });
    expect((await login(customer.password)).statusCode).toBe(401);
    expect((await login("a fresh new passphrase")).statusCode).toBe(200);
    expect(await tap.next(TOPICS.customerPasswordChanged, customer.id)).toMatchObject({ email: customer.email });
  });

  it("when a made-up token is presented, then 400 INVALID_TOKEN", async () => {
    const response = await reset("made-up-token-made-up-token", "a fresh new passphrase");
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe("INVALID_TOKEN");
  });
});
