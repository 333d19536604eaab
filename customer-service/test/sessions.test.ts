import { randomUUID } from "node:crypto";
import { TOPICS } from "@coffer/contracts";
import type { FastifyInstance } from "fastify";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createEventTap,
  dropDatabase,
  type EventTap,
  registerVerifiedCustomer,
  startApp,
  testConfig,
} from "./support.js";

const config = testConfig({ LOGIN_MAX_FAILURES: "3" });
let app: FastifyInstance;
let tap: EventTap;

beforeAll(async () => {
  tap = await createEventTap([TOPICS.customerEmailVerificationRequested, TOPICS.customerPasswordChanged]);
  app = await startApp(config);
});
afterAll(async () => {
  await app?.close();
  await tap?.close();
  await dropDatabase(config);
});

const login = (email: string, password: string, headers: Record<string, string> = {}) =>
  app.inject({ method: "POST", url: "/auth/login", payload: { email, password }, headers });
const refresh = (payload?: object, cookies?: Record<string, string>) =>
  app.inject({ method: "POST", url: "/auth/refresh", ...(payload && { payload }), ...(cookies && { cookies }) });

describe("login and tokens", () => {
  it("when a verified customer logs in, then an RS256 access token with the expected claims and an HttpOnly refresh cookie are issued", async () => {
    const customer = await registerVerifiedCustomer(app, tap);
    const response = await login(customer.email, customer.password, { "user-agent": "vitest-browser/1.0" });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toEqual({
      accessToken: expect.any(String),
      tokenType: "Bearer",
      expiresIn: 900,
      refreshToken: expect.any(String),
    });
    expect(decodeProtectedHeader(body.accessToken)).toMatchObject({ alg: "RS256", kid: expect.any(String) });
    const claims = decodeJwt(body.accessToken);
    expect(claims).toMatchObject({
      iss: "coffer",
      aud: "coffer-api",
      sub: customer.id,
      roles: ["user"],
      jti: expect.any(String),
    });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(body.refreshToken.split(".")[1]!.length).toBeGreaterThanOrEqual(43); // 256 bits, base64url

    const cookie = response.cookies.find((c) => c.name === "coffer_refresh")!;
    expect(cookie).toMatchObject({
      value: body.refreshToken,
      httpOnly: true,
      secure: true,
      sameSite: "Strict",
      path: "/auth",
    });

    const sessions = await app.inject({
      url: "/auth/sessions",
      headers: { authorization: `Bearer ${body.accessToken}` },
    });
    expect(sessions.json().sessions).toContainEqual(
      expect.objectContaining({ device: "vitest-browser/1.0", ip: "127.0.0.1", current: true }),
    );
  });

  it("when the password is wrong or the account unknown, then the answer is the same 401", async () => {
    const customer = await registerVerifiedCustomer(app, tap);
    const wrong = await login(customer.email, "not the password", { "x-forwarded-for": "198.51.100.1" });
    const unknown = await login(`nobody-${randomUUID()}@example.com`, "not the password");
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json()).toEqual({ code: "INVALID_CREDENTIALS", message: "Email or password is incorrect" });
  });

  it("when logins keep failing for an address, then it is locked with 429 and Retry-After, whether or not the account exists", async () => {
    const customer = await registerVerifiedCustomer(app, tap);
    for (const email of [customer.email, `ghost-${randomUUID()}@example.com`]) {
      for (let i = 0; i < 3; i += 1) expect((await login(email, "wrong password")).statusCode).toBe(401);
      const locked = await login(email, email === customer.email ? customer.password : "wrong password");
      expect(locked.statusCode).toBe(429);
      expect(locked.json().code).toBe("TOO_MANY_ATTEMPTS");
      expect(Number(locked.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    }
  });
});

describe("refresh-token rotation", () => {
  it("when a refresh token is used, then it is replaced, by body or by cookie, and the old one dies", async () => {
    const customer = await registerVerifiedCustomer(app, tap);
    const first = await refresh({ refreshToken: customer.refreshToken });
    expect(first.statusCode).toBe(200);
    const rotated = first.json().refreshToken;
    expect(rotated).not.toBe(customer.refreshToken);
    const byCookie = await refresh(undefined, { coffer_refresh: rotated });
    expect(byCookie.statusCode).toBe(200);
    expect(decodeJwt(byCookie.json().accessToken).sub).toBe(customer.id);
  });

  it("when an already rotated refresh token is presented again, then 401 REFRESH_TOKEN_REUSED and the whole session is revoked", async () => {
    const customer = await registerVerifiedCustomer(app, tap);
    const legit = (await refresh({ refreshToken: customer.refreshToken })).json().refreshToken;
    const stolen = await refresh({ refreshToken: customer.refreshToken });
    expect(stolen.statusCode).toBe(401);
    expect(stolen.json().code).toBe("REFRESH_TOKEN_REUSED");
    const afterTheft = await refresh({ refreshToken: legit });
    expect(afterTheft.statusCode).toBe(401);
    expect(afterTheft.json().code).toBe("INVALID_REFRESH_TOKEN");
  });

  it("when a refresh token is forged or missing, then 401 without revoking anything", async () => {
    const customer = await registerVerifiedCustomer(app, tap);
    const sessionId = customer.refreshToken.split(".")[0];
    expect((await refresh({ refreshToken: `${sessionId}.forgedforgedforgedforged` })).json().code).toBe(
      "INVALID_REFRESH_TOKEN",
    );
    expect((await refresh()).statusCode).toBe(401);
    expect((await refresh({ refreshToken: customer.refreshToken })).statusCode).toBe(200);
  });
});

describe("sessions", () => {
  it("when a customer logs out or revokes a session, then its refresh token stops working; another customer's session is 404", async () => {
    const customer = await registerVerifiedCustomer(app, tap);
    const other = await registerVerifiedCustomer(app, tap);
    const second = (await login(customer.email, customer.password)).json();

    const list = (await app.inject({ url: "/auth/sessions", headers: customer.auth })).json().sessions;
    expect(list).toHaveLength(2);
    const secondId = second.refreshToken.split(".")[0];
    const foreign = await app.inject({ method: "DELETE", url: `/auth/sessions/${secondId}`, headers: other.auth });
    expect(foreign.statusCode).toBe(404);
    const revoked = await app.inject({ method: "DELETE", url: `/auth/sessions/${secondId}`, headers: customer.auth });
    expect(revoked.statusCode).toBe(204);
    expect((await refresh({ refreshToken: second.refreshToken })).statusCode).toBe(401);

    const logout = await app.inject({
      method: "POST",
      url: "/auth/logout",
      payload: { refreshToken: customer.refreshToken },
    });
    expect(logout.statusCode).toBe(204);
    expect((await refresh({ refreshToken: customer.refreshToken })).statusCode).toBe(401);
  });

  it("when the password is changed, then every other session is revoked, this one stays, and customer.password-changed is published", async () => {
    const customer = await registerVerifiedCustomer(app, tap);
    const other = (await login(customer.email, customer.password)).json();
    const wrong = await app.inject({
      method: "POST",
      url: "/customers/me/password",
      headers: customer.auth,
      payload: { currentPassword: "not the password", newPassword: "a brand new passphrase" },
    });
    expect(wrong.statusCode).toBe(403);
    const changed = await app.inject({
      method: "POST",
      url: "/customers/me/password",
      headers: customer.auth,
      payload: { currentPassword: customer.password, newPassword: "a brand new passphrase" },
    });
    expect(changed.statusCode).toBe(204);
    expect((await refresh({ refreshToken: other.refreshToken })).statusCode).toBe(401);
    expect((await refresh({ refreshToken: customer.refreshToken })).statusCode).toBe(200);
    expect(await tap.next(TOPICS.customerPasswordChanged, customer.id)).toMatchObject({ email: customer.email });
    expect((await login(customer.email, customer.password)).statusCode).toBe(401);
    expect((await login(customer.email, "a brand new passphrase")).statusCode).toBe(200);
  });
});
