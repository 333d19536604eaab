import { randomUUID } from "node:crypto";
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
  verificationTokenOf,
} from "./support.js";

const config = testConfig();
let app: FastifyInstance;
let tap: EventTap;

beforeAll(async () => {
  tap = await createEventTap(Object.values(TOPICS).filter((t) => t.startsWith("customer.")));
  app = await startApp(config);
});
afterAll(async () => {
  await app?.close();
  await tap?.close();
  await dropDatabase(config);
});

const register = (payload: object) => app.inject({ method: "POST", url: "/auth/register", payload });
const newEmail = () => `ada-${randomUUID()}@example.com`;
const PASSWORD = "correct horse battery staple";

describe("registration", () => {
  it("when a customer registers, then 201 returns the customer without any secret, and both events are published once", async () => {
    const email = newEmail();
    const response = await register({
      email: `  ${email.toUpperCase()} `,
      password: PASSWORD,
      displayName: "Ada",
      locale: "fr-CA",
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toEqual({
      id: expect.any(String),
      email,
      displayName: "Ada",
      locale: "fr-CA",
      roles: ["user"],
      emailVerified: false,
      createdAt: expect.any(String),
    });
    expect(response.body).not.toMatch(/argon2|passwordHash|verification/);

    const registered = await tap.next(TOPICS.customerRegistered, body.id);
    expect(registered).toMatchObject({
      customerId: body.id,
      email,
      displayName: "Ada",
      locale: "fr-CA",
      producer: "customer-service",
    });
    expect(registered.correlationId).toBe(response.headers["x-correlation-id"]);
    const requested = await tap.next(TOPICS.customerEmailVerificationRequested, body.id);
    expect(requested.expiresAt.getTime() - Date.now()).toBeGreaterThan(23 * 3600_000);
    const token = await verificationTokenOf(tap, body.id);
    expect(requested.raw.includes(Buffer.from(token))).toBe(false);

    // Exactly once: nothing more arrives for this customer while the relay keeps polling.
    const later = await tap
      .next(TOPICS.customerRegistered, body.id)
      .then(() => tap.of(TOPICS.customerRegistered, body.id));
    expect(later).toHaveLength(1);
    expect(tap.of(TOPICS.customerEmailVerificationRequested, body.id)).toHaveLength(1);
  });

  it("when the address is registered again (in any case or spacing) within the minute, then the answer is the same 201 and the first registration stands", async () => {
    const email = newEmail();
    const first = await register({ email, password: PASSWORD, displayName: "Ada" });
    expect(first.statusCode).toBe(201);
    const again = await register({ email: ` ${email.toUpperCase()}`, password: PASSWORD, displayName: "Other" });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toMatchObject({ email, displayName: "Other", roles: ["user"], emailVerified: false });
    // One verification mail a minute per address: the first registration keeps its link.
    const token = await verificationTokenOf(tap, first.json().id);
    const verified = await app.inject({
      method: "POST",
      url: "/auth/verify-email",
      payload: { token, password: PASSWORD },
    });
    expect(verified.statusCode).toBe(204);
    expect(tap.of(TOPICS.customerRegistered, again.json().id)).toHaveLength(0);
  });

  it.each([
    ["a short password", { email: "a@example.com", password: "short", displayName: "A" }],
    ["an operator instead of an address", { email: { $gt: "" }, password: PASSWORD, displayName: "A" }],
    ["an unknown field", { email: "a@example.com", password: PASSWORD, displayName: "A", roles: ["admin"] }],
    ["a malformed address", { email: "not-an-address", password: PASSWORD, displayName: "A" }],
    ["a blank name", { email: "a@example.com", password: PASSWORD, displayName: "   " }],
  ])("when the body has %s, then 400 VALIDATION_FAILED and nothing is stored", async (_, payload) => {
    const response = await register(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe("VALIDATION_FAILED");
  });
});

describe("e-mail verification", () => {
  it("when the address is not verified, then login is 403 EMAIL_NOT_VERIFIED; after verifying, login succeeds and the link is spent", async () => {
    const email = newEmail();
    const { id } = (await register({ email, password: PASSWORD, displayName: "Ada" })).json();
    const login = () => app.inject({ method: "POST", url: "/auth/login", payload: { email, password: PASSWORD } });
    const refused = await login();
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe("EMAIL_NOT_VERIFIED");

    const token = await verificationTokenOf(tap, id);
    const verify = () =>
      app.inject({ method: "POST", url: "/auth/verify-email", payload: { token, password: PASSWORD } });
    expect((await verify()).statusCode).toBe(204);
    expect(await tap.next(TOPICS.customerEmailVerified, id)).toMatchObject({ customerId: id, email });
    const reused = await verify();
    expect(reused.statusCode).toBe(400);
    expect(reused.json().code).toBe("INVALID_TOKEN");
    expect((await login()).statusCode).toBe(200);
  });

  it("when a resend is asked for any address, then the answer is always 202, and only an unverified account gets a new link", async () => {
    const email = newEmail();
    const { id } = (await register({ email, password: PASSWORD, displayName: "Ada" })).json();
    await tap.next(TOPICS.customerEmailVerificationRequested, id);
    const resend = (address: string) =>
      app.inject({ method: "POST", url: "/auth/verify-email/resend", payload: { email: address } });
    const unknown = await resend(newEmail());
    const known = await resend(email);
    expect(unknown.statusCode).toBe(202);
    expect(known.statusCode).toBe(202);
    expect(known.json()).toEqual(unknown.json());
    // Sent a moment ago: no second mail yet (the resend interval protects the recipient).
    expect(tap.of(TOPICS.customerEmailVerificationRequested, id)).toHaveLength(1);
  });
});

describe("profile and account", () => {
  it("when a customer reads and updates the profile, then the change is returned and customer.profile-updated is published", async () => {
    const customer = await registerVerifiedCustomer(app, tap);
    const me = await app.inject({ url: "/customers/me", headers: customer.auth });
    expect(me.json()).toMatchObject({ id: customer.id, email: customer.email, emailVerified: true });
    const patched = await app.inject({
      method: "PATCH",
      url: "/customers/me",
      headers: customer.auth,
      payload: { displayName: "Ada L.", locale: "de" },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ displayName: "Ada L.", locale: "de" });
    expect(await tap.next(TOPICS.customerProfileUpdated, customer.id)).toMatchObject({
      displayName: "Ada L.",
      locale: "de",
    });
    expect((await app.inject({ url: "/customers/me" })).statusCode).toBe(401);
  });

  it("when a customer deletes the account, then it is gone, customer.deleted is published, and the address can register again", async () => {
    const customer = await registerVerifiedCustomer(app, tap);
    const wrong = await app.inject({
      method: "DELETE",
      url: "/customers/me",
      headers: customer.auth,
      payload: { password: "wrong password!" },
    });
    expect(wrong.statusCode).toBe(403);
    const deleted = await app.inject({
      method: "DELETE",
      url: "/customers/me",
      headers: customer.auth,
      payload: { password: customer.password },
    });
    expect(deleted.statusCode).toBe(204);
    expect(await tap.next(TOPICS.customerDeleted, customer.id)).toMatchObject({ customerId: customer.id });

    expect((await app.inject({ url: "/customers/me", headers: customer.auth })).statusCode).toBe(401);
    const login = await app.inject({
      method: "POST",
      url: "/auth/login",
      payload: { email: customer.email, password: customer.password },
    });
    expect(login.statusCode).toBe(401);
    const refresh = await app.inject({
      method: "POST",
      url: "/auth/refresh",
      payload: { refreshToken: customer.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
    expect((await register({ email: customer.email, password: PASSWORD, displayName: "New" })).statusCode).toBe(201);
  });
});
