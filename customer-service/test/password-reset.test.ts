import { randomUUID } from "node:crypto";
import { TOPICS } from "@coffer/contracts";
import type { FastifyInstance } from "fastify";
import mongoose from "mongoose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createModels, type Models } from "../src/database.js";
import {
  cipher,
  createEventTap,
  dropDatabase,
  type EventTap,
  registerVerifiedCustomer,
  startApp,
  testConfig,
} from "./support.js";

const MAILS_PER_DAY = 3;
const config = testConfig({ ACCOUNT_MAILS_PER_DAY: String(MAILS_PER_DAY) });
let app: FastifyInstance;
let tap: EventTap;
let connection: mongoose.Connection;
let models: Models;

beforeAll(async () => {
  tap = await createEventTap([
    TOPICS.customerEmailVerificationRequested,
    TOPICS.customerPasswordResetRequested,
    TOPICS.customerPasswordChanged,
  ]);
  app = await startApp(config);
  connection = await mongoose.createConnection(config.mongoUrl).asPromise();
  models = createModels(connection);
});
afterAll(async () => {
  await app?.close();
  await tap?.close();
  await connection?.close();
  await dropDatabase(config);
});

// Each request from its own address: the per-client route limit is not what is tested here.
const forgot = (email: string, instance = app) =>
  instance.inject({
    method: "POST",
    url: "/auth/password/forgot",
    payload: { email },
    remoteAddress: `198.51.100.${Math.floor(Math.random() * 250) + 1}`,
  });
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

describe("reset mail limits (counted in the database, per account)", () => {
  /**
   * Waits until every reset asked for so far has been handled: the route answers before the work
   * is done, so a later request's mail going through the same pipeline says the earlier ones have.
   */
  async function settled() {
    const marker = await registerVerifiedCustomer(app, tap);
    await forgot(marker.email);
    await tap.next(TOPICS.customerPasswordResetRequested, marker.id);
  }

  it("when resets are asked for one account many times at once, on two instances, then one mail goes out, and every answer is the same 202", async () => {
    const other = await startApp(config);
    try {
      const customer = await registerVerifiedCustomer(app, tap);
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => forgot(customer.email, i % 2 === 0 ? app : other)),
      );
      expect(new Set(answers.map((a) => `${a.statusCode} ${a.body}`)).size).toBe(1);
      expect(answers[0]!.statusCode).toBe(202);
      await tap.next(TOPICS.customerPasswordResetRequested, customer.id);
      await settled();
      expect(tap.of(TOPICS.customerPasswordResetRequested, customer.id)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it("when an account was sent its daily share of reset mails, then no more go out until the oldest is a day old", async () => {
    const customer = await registerVerifiedCustomer(app, tap);
    const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3600_000);
    // Mails sent earlier today (none in the last minute), and one from yesterday that no longer counts.
    const sent = [hoursAgo(25), ...Array.from({ length: MAILS_PER_DAY - 1 }, (_, i) => hoursAgo(MAILS_PER_DAY - i))];
    const key = `password-reset:${customer.email}`;
    await models.SentMail.insertMany(
      sent.map((at, i) => ({ _id: `${key}#${i + 1}`, key, n: i + 1, at, outcome: "counted" })),
    );

    expect((await forgot(customer.email)).statusCode).toBe(202);
    await tap.next(TOPICS.customerPasswordResetRequested, customer.id);
    // That was the day's last: moving it back past the minute, the day's count still refuses.
    await models.SentMail.updateOne({ key, n: sent.length + 1 }, { $set: { at: hoursAgo(1 / 30) } });
    expect((await forgot(customer.email)).statusCode).toBe(202);
    await settled();
    expect(tap.of(TOPICS.customerPasswordResetRequested, customer.id)).toHaveLength(1);
  });
});
