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
  verificationTokenOf,
} from "./support.js";

// Two instances of the service on one database, each with a pool of its own.
const config = testConfig({
  ACCOUNT_MAIL_INTERVAL_SECONDS: "0",
  ACCOUNT_MAILS_PER_DAY: "100",
  LOGIN_MAX_FAILURES: "1000",
});
const ROUNDS = 12;
let instances: FastifyInstance[];
let tap: EventTap;
let connection: mongoose.Connection;
let models: Models;

beforeAll(async () => {
  tap = await createEventTap([TOPICS.customerEmailVerificationRequested, TOPICS.customerPasswordResetRequested]);
  instances = await Promise.all([startApp(config), startApp(config)]);
  connection = await mongoose.createConnection(config.mongoUrl).asPromise();
  models = createModels(connection);
});
afterAll(async () => {
  await Promise.all((instances ?? []).map((app) => app.close()));
  await tap?.close();
  await connection?.close();
  await dropDatabase(config);
});

// Each request from an address of its own: the per-client route limits are not what is tested here.
const post = (app: FastifyInstance, url: string, payload: object) =>
  app.inject({ method: "POST", url, payload, remoteAddress: `198.51.100.${Math.floor(Math.random() * 250) + 1}` });

/** Four requests at once, two on each instance. */
const race = (request: (app: FastifyInstance, i: number) => ReturnType<typeof post>) =>
  Promise.all([0, 1, 2, 3].map((i) => request(instances[i % 2]!, i)));

const codes = (answers: Awaited<ReturnType<typeof post>>[]) =>
  answers.map((a) => (a.statusCode < 300 ? a.statusCode : `${a.statusCode} ${a.json<{ code: string }>().code}`));

describe("single use across instances", () => {
  it("when one refresh token is presented four times at once on two instances, then at most one new pair is issued, the others are refused as reuse, and the session ends", async () => {
    const customer = await registerVerifiedCustomer(instances[0]!, tap);
    for (let round = 0; round < ROUNDS; round++) {
      const login = await post(instances[0]!, "/auth/login", { email: customer.email, password: customer.password });
      const { refreshToken } = login.json<{ refreshToken: string }>();

      const answers = await race((app) => post(app, "/auth/refresh", { refreshToken }));

      // One claims the token; the three others are reuse and end the session. The one may answer
      // 200 (its pair then dies with the session) or, when a reuse ended the session before it
      // rotated, 401 INVALID_REFRESH_TOKEN: never a second pair.
      const [first, ...others] = codes(answers).sort();
      expect(others).toEqual(["401 REFRESH_TOKEN_REUSED", "401 REFRESH_TOKEN_REUSED", "401 REFRESH_TOKEN_REUSED"]);
      expect([200, "401 INVALID_REFRESH_TOKEN"]).toContain(first);
      const sessionId = refreshToken.split(".")[0];
      expect((await models.Session.findById(sessionId).lean())?.revokedAt).toBeInstanceOf(Date);
      const renewed = answers.find((a) => a.statusCode === 200)?.json<{ refreshToken: string }>().refreshToken;
      if (renewed) {
        expect((await post(instances[1]!, "/auth/refresh", { refreshToken: renewed })).statusCode).toBe(401);
      }
    }
  });

  it("when a refresh on one instance races the session's revocation on the other, then the session ends and no pair issued by the refresh works", async () => {
    const customer = await registerVerifiedCustomer(instances[0]!, tap);
    const signIn = async () =>
      (await post(instances[0]!, "/auth/login", { email: customer.email, password: customer.password })).json<{
        accessToken: string;
        refreshToken: string;
      }>();
    // The revocation is asked for by another of the customer's sessions, as from the sessions page.
    const other = await signIn();
    // The window is a few milliseconds wide: enough rounds that a lost revocation shows.
    for (let round = 0; round < ROUNDS * 4; round++) {
      const { refreshToken } = await signIn();
      const sessionId = refreshToken.split(".")[0]!;

      const [refreshed, revoked] = await Promise.all([
        post(instances[0]!, "/auth/refresh", { refreshToken }),
        instances[1]!.inject({
          method: "DELETE",
          url: `/auth/sessions/${sessionId}`,
          headers: { authorization: `Bearer ${other.accessToken}` },
        }),
      ]);

      expect(revoked.statusCode).toBe(204);
      expect([200, 401]).toContain(refreshed.statusCode);
      expect((await models.Session.findById(sessionId).lean())?.revokedAt, `round ${round}`).toBeInstanceOf(Date);
      if (refreshed.statusCode === 200) {
        const pair = refreshed.json<{ accessToken: string; refreshToken: string }>();
        expect((await post(instances[1]!, "/auth/refresh", { refreshToken: pair.refreshToken })).statusCode).toBe(401);
        const sessions = await instances[1]!.inject({
          method: "GET",
          url: "/auth/sessions",
          headers: { authorization: `Bearer ${pair.accessToken}` },
        });
        expect(sessions.statusCode).toBe(401);
      }
    }
  });

  it("when one verification link is used four times at once on two instances, then exactly one verifies the address", async () => {
    const password = "correct horse battery staple";
    const registered = await Promise.all(
      Array.from({ length: ROUNDS }, () =>
        post(instances[0]!, "/auth/register", {
          email: `user-${randomUUID()}@example.com`,
          password,
          displayName: "A",
        }),
      ),
    );
    for (const customer of registered.map((r) => r.json<{ id: string; email: string }>())) {
      const token = await verificationTokenOf(tap, customer.id);

      const answers = await race((app) => post(app, "/auth/verify-email", { token, password }));

      expect(codes(answers).sort()).toEqual([204, "400 INVALID_TOKEN", "400 INVALID_TOKEN", "400 INVALID_TOKEN"]);
      expect((await models.Customer.findById(customer.id).lean())?.emailVerifiedAt).toBeInstanceOf(Date);
    }
  });

  it("when one reset link is used four times at once on two instances with four passwords, then exactly one sets its password", async () => {
    const customer = await registerVerifiedCustomer(instances[0]!, tap);
    for (let round = 0; round < ROUNDS; round++) {
      const asked = tap.of(TOPICS.customerPasswordResetRequested, customer.id).length;
      expect((await post(instances[0]!, "/auth/password/forgot", { email: customer.email })).statusCode).toBe(202);
      await expect.poll(() => tap.of(TOPICS.customerPasswordResetRequested, customer.id).length).toBe(asked + 1);
      const event = tap.of(TOPICS.customerPasswordResetRequested, customer.id).at(-1)!;
      const token = cipher.decrypt(event.token, `${TOPICS.customerPasswordResetRequested}:${customer.id}`);
      const passwords = [0, 1, 2, 3].map((i) => `round ${round} passphrase ${i}`);

      const answers = await race((app, i) => post(app, "/auth/password/reset", { token, newPassword: passwords[i] }));

      expect(codes(answers).sort()).toEqual([204, "400 INVALID_TOKEN", "400 INVALID_TOKEN", "400 INVALID_TOKEN"]);
      const winner = passwords[answers.findIndex((a) => a.statusCode === 204)]!;
      const logins = await Promise.all(
        passwords.map((password) => post(instances[1]!, "/auth/login", { email: customer.email, password })),
      );
      expect(logins.map((l) => l.statusCode)).toEqual(passwords.map((p) => (p === winner ? 200 : 401)));
    }
  });

  it("when an unverified registration's link is used on one instance while the address registers again on the other, then exactly one happens: the registration is verified, or it is replaced", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const email = `user-${randomUUID()}@example.com`;
      const first = { email, password: "first passphrase", displayName: "A" };
      const { id } = (await post(instances[0]!, "/auth/register", first)).json<{ id: string }>();
      const token = await verificationTokenOf(tap, id);

      const answers = await race((app, i) =>
        i % 2 === 0
          ? post(app, "/auth/verify-email", { token, password: first.password })
          : post(app, "/auth/register", { email, password: `second passphrase ${i}`, displayName: "B" }),
      );

      const live = await models.Customer.find({ email, deletedAt: null }).lean();
      expect(live).toHaveLength(1);
      const verifications = answers.filter((a, i) => i % 2 === 0 && a.statusCode === 204);
      if (verifications.length > 0) {
        expect(verifications).toHaveLength(1);
        expect(live[0]).toMatchObject({ _id: id, emailVerifiedAt: expect.any(Date) });
        expect((await post(instances[1]!, "/auth/login", { email, password: first.password })).statusCode).toBe(200);
      } else {
        expect(live[0]).toMatchObject({ emailVerifiedAt: null });
        expect(live[0]!._id).not.toBe(id);
        expect((await models.Customer.findById(id).lean())?.deletedAt).toBeInstanceOf(Date);
      }
    }
  });
});
