import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { TOPICS } from "@coffer/contracts";
import type { FastifyInstance } from "fastify";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  cipher,
  createEventTap,
  dropDatabase,
  type EventTap,
  registerVerifiedCustomer,
  startApp,
  testConfig,
} from "./support.js";

const adminEmail = `admin-${randomUUID()}@example.com`;
const config = testConfig({ ADMIN_EMAILS: adminEmail });
let app: FastifyInstance;
let tap: EventTap;

beforeAll(async () => {
  tap = await createEventTap([
    TOPICS.customerEmailVerificationRequested,
    TOPICS.customerPasswordResetRequested,
    TOPICS.sessionRevoked,
    TOPICS.customerDisabled,
    TOPICS.customerEnabled,
    TOPICS.customerRolesChanged,
    TOPICS.customerDeleted,
  ]);
  app = await startApp(config);
});
afterAll(async () => {
  await app?.close();
  await tap?.close();
  await dropDatabase(config);
});

type Customer = Awaited<ReturnType<typeof registerVerifiedCustomer>>;
type Session = { sessionId: string; auth: { authorization: string }; refreshToken: string };

const sessionOf = (tokens: { accessToken: string; refreshToken: string }): Session => ({
  sessionId: String(decodeJwt(tokens.accessToken).sid),
  auth: { authorization: `Bearer ${tokens.accessToken}` },
  refreshToken: tokens.refreshToken,
});

async function logIn(customer: Pick<Customer, "email">, password: string): Promise<Session> {
  const response = await app.inject({
    method: "POST",
    url: "/auth/login",
    payload: { email: customer.email, password },
  });
  expect(response.statusCode).toBe(200);
  return sessionOf(response.json());
}

const answerOf = async (auth: Record<string, string>, url = "/customers/me") => {
  const response = await app.inject({ url, headers: auth });
  return response.statusCode === 200 ? "200" : `${response.statusCode} ${response.json().code}`;
};

/** The customer's session.revoked events, as `sessionId reason`, once there are `count`. */
const revocationsOf = (customerId: string, count: number) =>
  vi.waitFor(
    () => {
      const events = tap.of(TOPICS.sessionRevoked, customerId);
      if (events.length < count) throw new Error(`${events.length} of ${count} session.revoked`);
      return events.map((e) => `${e.sessionId} ${e.reason}`).sort();
    },
    { timeout: 20_000, interval: 50 },
  );

describe("customer-service: every session that ends is refused at once and published", () => {
  it("when a customer logs out, then that session's access token is refused (401 TOKEN_REVOKED) and session.revoked names it", async () => {
    const customer = await registerVerifiedCustomer(app, tap);
    const session = sessionOf(customer);
    expect(await answerOf(session.auth)).toBe("200");
    const logout = await app.inject({
      method: "POST",
      url: "/auth/logout",
      payload: { refreshToken: customer.refreshToken },
    });
    expect(logout.statusCode).toBe(204);
    expect(await answerOf(session.auth)).toBe("401 TOKEN_REVOKED");
    expect(await answerOf(session.auth, "/auth/sessions")).toBe("401 TOKEN_REVOKED");
    expect(await revocationsOf(customer.id, 1)).toEqual([`${session.sessionId} logout`]);
  });

  it("when a session is revoked, the password changed, then reset, then each session ended is published with its reason and its token refused", async () => {
    const customer = await registerVerifiedCustomer(app, tap);
    const first = sessionOf(customer);
    const second = await logIn(customer, customer.password);
    const third = await logIn(customer, customer.password);

    const revoke = await app.inject({
      method: "DELETE",
      url: `/auth/sessions/${second.sessionId}`,
      headers: first.auth,
    });
    expect(revoke.statusCode).toBe(204);
    expect(await answerOf(second.auth)).toBe("401 TOKEN_REVOKED");

    const changed = await app.inject({
      method: "POST",
      url: "/customers/me/password",
      headers: first.auth,
      payload: { currentPassword: customer.password, newPassword: "a brand new passphrase" },
    });
    expect(changed.statusCode).toBe(204);
    expect(await answerOf(third.auth)).toBe("401 TOKEN_REVOKED");
    expect(await answerOf(first.auth)).toBe("200"); // the session that changed it stays

    await app.inject({ method: "POST", url: "/auth/password/forgot", payload: { email: customer.email } });
    const requested = await tap.next(TOPICS.customerPasswordResetRequested, customer.id);
    const token = cipher.decrypt(requested.token, `${TOPICS.customerPasswordResetRequested}:${customer.id}`);
    const reset = await app.inject({
      method: "POST",
      url: "/auth/password/reset",
      payload: { token, newPassword: "yet another passphrase" },
    });
    expect(reset.statusCode).toBe(204);
    expect(await answerOf(first.auth)).toBe("401 TOKEN_REVOKED");

    expect(await revocationsOf(customer.id, 3)).toEqual(
      [
        `${second.sessionId} revoked`,
        `${third.sessionId} password-changed`,
        `${first.sessionId} password-reset`,
      ].sort(),
    );
  });

  it("when a refresh token is presented a second time, then its session ends and session.revoked says the token was reused", async () => {
    const customer = await registerVerifiedCustomer(app, tap);
    const session = sessionOf(customer);
    const refresh = () =>
      app.inject({ method: "POST", url: "/auth/refresh", payload: { refreshToken: customer.refreshToken } });
    const rotated = await refresh();
    expect(rotated.statusCode).toBe(200);
    expect((await refresh()).json().code).toBe("REFRESH_TOKEN_REUSED");
    expect(await answerOf({ authorization: `Bearer ${rotated.json().accessToken}` })).toBe("401 TOKEN_REVOKED");
    expect(await revocationsOf(customer.id, 1)).toEqual([`${session.sessionId} refresh-token-reused`]);
  });

  it("when the customer deletes the account, then customer.deleted and every session's session.revoked are published and the token is refused", async () => {
    const customer = await registerVerifiedCustomer(app, tap);
    const other = await logIn(customer, customer.password);
    const deleted = await app.inject({
      method: "DELETE",
      url: "/customers/me",
      headers: customer.auth,
      payload: { password: customer.password },
    });
    expect(deleted.statusCode).toBe(204);
    expect(await answerOf(other.auth)).toBe("401 TOKEN_REVOKED");
    expect(await tap.next(TOPICS.customerDeleted, customer.id)).toMatchObject({ customerId: customer.id });
    expect(await revocationsOf(customer.id, 2)).toEqual(
      [`${sessionOf(customer).sessionId} deleted`, `${other.sessionId} deleted`].sort(),
    );
  });
});

describe("customer-service: disabling and roles", () => {
  let admin: Customer;
  beforeAll(async () => {
    admin = await registerVerifiedCustomer(app, tap, { email: adminEmail });
  });

  it("when an admin disables a customer, then customer.disabled and every session's end are published and the tokens answer 403 ACCOUNT_DISABLED; enabling publishes customer.enabled", async () => {
    const customer = await registerVerifiedCustomer(app, tap);
    const disable = await app.inject({
      method: "POST",
      url: `/admin/customers/${customer.id}/disable`,
      headers: admin.auth,
    });
    expect(disable.statusCode).toBe(204);
    expect(await answerOf(customer.auth)).toBe("403 ACCOUNT_DISABLED");
    expect(await tap.next(TOPICS.customerDisabled, customer.id)).toMatchObject({ customerId: customer.id });
    expect(await revocationsOf(customer.id, 1)).toEqual([`${sessionOf(customer).sessionId} disabled`]);

    const enable = await app.inject({
      method: "POST",
      url: `/admin/customers/${customer.id}/enable`,
      headers: admin.auth,
    });
    expect(enable.statusCode).toBe(204);
    expect(await tap.next(TOPICS.customerEnabled, customer.id)).toMatchObject({ customerId: customer.id });
    // Its sessions stay ended: the old token does not come back with the account.
    expect(await answerOf(customer.auth)).toBe("401 TOKEN_REVOKED");
    const again = await app.inject({
      method: "POST",
      url: `/admin/customers/${customer.id}/enable`,
      headers: admin.auth,
    });
    expect(again.statusCode).toBe(204); // and announced again, for a service that missed the first
  });

  it("when an admin's role is taken away or their account disabled, then their token opens no admin route at once, and customer.roles-changed is published", async () => {
    const cli = new URL("../src/cli.ts", import.meta.url).pathname;
    const env = { ...process.env, MONGO_URL: config.mongoUrl, JWT_KEYS_DIR: config.jwt.keysDir };
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", cli, ...args], { env, encoding: "utf8" });
    const other = await registerVerifiedCustomer(app, tap);
    expect(run("grant-admin", other.email).status).toBe(0);
    const otherAdmin = await logIn(other, other.password);
    expect(await answerOf(otherAdmin.auth, "/admin/customers")).toBe("200");

    const revoked = run("revoke-admin", other.email);
    expect(revoked.status, revoked.stderr).toBe(0);
    expect(await answerOf(otherAdmin.auth, "/admin/customers")).toBe("403 FORBIDDEN");
    expect(await answerOf(otherAdmin.auth)).toBe("200"); // still a customer
    await vi.waitFor(
      () =>
        expect(tap.of(TOPICS.customerRolesChanged, other.id).map((e) => e.roles)).toEqual([
          ["user", "admin"],
          ["user"],
        ]),
      { timeout: 20_000, interval: 50 },
    );

    expect(run("grant-admin", other.email).status).toBe(0);
    expect(await answerOf(otherAdmin.auth, "/admin/customers")).toBe("200");
    const disable = await app.inject({
      method: "POST",
      url: `/admin/customers/${other.id}/disable`,
      headers: admin.auth,
    });
    expect(disable.statusCode).toBe(204);
    expect(await answerOf(otherAdmin.auth, "/admin/customers")).toBe("403 ACCOUNT_DISABLED");
  });
});
