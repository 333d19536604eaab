import { randomUUID } from "node:crypto";
import { TOPICS } from "@coffer/contracts";
import type { FastifyInstance } from "fastify";
import mongoose from "mongoose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createModels, type Models } from "../src/database.js";
import { cleanUp } from "../src/jobs/cleanup.js";
import { cleanupDepsFor } from "./cleanup-deps.js";
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

const adminEmail = `admin-${randomUUID()}@example.com`;
// No per-minute mail limit here: the victim registers right after the attacker (password-reset.test.ts tests the limit).
const config = testConfig({ ADMIN_EMAILS: adminEmail, ACCOUNT_MAIL_INTERVAL_SECONDS: "0" });
let app: FastifyInstance;
let tap: EventTap;
let connection: mongoose.Connection;
let models: Models;

beforeAll(async () => {
  tap = await createEventTap(Object.values(TOPICS).filter((t) => t.startsWith("customer.")));
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

const ATTACKER_PASSWORD = "the attacker's own passphrase";
const VICTIM_PASSWORD = "the victim's real passphrase";
const newEmail = () => `victim-${randomUUID()}@example.com`;
const register = (email: string, password: string, displayName = "Someone") =>
  app.inject({ method: "POST", url: "/auth/register", payload: { email, password, displayName } });
const verify = (token: string, password: string) =>
  app.inject({ method: "POST", url: "/auth/verify-email", payload: { token, password } });
const login = (email: string, password: string) =>
  app.inject({ method: "POST", url: "/auth/login", payload: { email, password } });

describe("account pre-hijacking", () => {
  it("when an attacker registered the victim's address first, then the victim's registration replaces it: the attacker's link and password are dead, customer.deleted retires the attacker's id", async () => {
    const email = newEmail();
    const attacker = await register(email, ATTACKER_PASSWORD, "Attacker");
    expect(attacker.statusCode).toBe(201);
    const attackerId = attacker.json().id;
    const attackerToken = await verificationTokenOf(tap, attackerId);

    const victim = await register(email, VICTIM_PASSWORD, "Victim");
    expect(victim.statusCode).toBe(201);
    const victimId = victim.json().id;
    expect(victimId).not.toBe(attackerId);
    expect(await tap.next(TOPICS.customerDeleted, attackerId)).toMatchObject({ customerId: attackerId });
    expect(await tap.next(TOPICS.customerRegistered, victimId)).toMatchObject({ email, displayName: "Victim" });

    // The link mailed for the attacker's registration belongs to a registration that no longer exists.
    const stale = await verify(attackerToken, ATTACKER_PASSWORD);
    expect(stale.statusCode).toBe(400);
    expect(stale.json().code).toBe("INVALID_TOKEN");

    expect((await verify(await verificationTokenOf(tap, victimId), VICTIM_PASSWORD)).statusCode).toBe(204);
    expect((await login(email, ATTACKER_PASSWORD)).statusCode).toBe(401);
    const loggedIn = await login(email, VICTIM_PASSWORD);
    expect(loggedIn.statusCode).toBe(200);
    const me = await app.inject({
      url: "/customers/me",
      headers: { authorization: `Bearer ${loggedIn.json().accessToken}` },
    });
    expect(me.json()).toMatchObject({ id: victimId, displayName: "Victim", emailVerified: true });
  });

  it("when the owner follows the link of a registration they did not make, then it verifies nothing without that registration's password", async () => {
    const email = newEmail();
    const attackerId = (await register(email, ATTACKER_PASSWORD)).json().id;
    const token = await verificationTokenOf(tap, attackerId);

    const withoutPassword = await app.inject({ method: "POST", url: "/auth/verify-email", payload: { token } });
    expect(withoutPassword.statusCode).toBe(400);
    const owners = await verify(token, VICTIM_PASSWORD);
    expect(owners.statusCode).toBe(403);
    expect(owners.json().code).toBe("INVALID_PASSWORD");
    const refused = await login(email, ATTACKER_PASSWORD);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe("EMAIL_NOT_VERIFIED");
    expect(tap.of(TOPICS.customerEmailVerified, attackerId)).toHaveLength(0);
    // The link stays usable by the one who knows the password (a typo is not fatal).
    expect((await verify(token, ATTACKER_PASSWORD)).statusCode).toBe(204);
  });

  it("when the owner resets the password of a registration they did not make, then the account is theirs: verified, published as verified, the attacker's password dead", async () => {
    const email = newEmail();
    const attackerId = (await register(email, ATTACKER_PASSWORD)).json().id;
    await app.inject({ method: "POST", url: "/auth/password/forgot", payload: { email } });
    const reset = await tap.next(TOPICS.customerPasswordResetRequested, attackerId);
    const token = cipher.decrypt(reset.token, `${TOPICS.customerPasswordResetRequested}:${attackerId}`);
    const done = await app.inject({
      method: "POST",
      url: "/auth/password/reset",
      payload: { token, newPassword: VICTIM_PASSWORD },
    });
    expect(done.statusCode).toBe(204);
    expect(await tap.next(TOPICS.customerEmailVerified, attackerId)).toMatchObject({ email });
    expect((await login(email, ATTACKER_PASSWORD)).statusCode).toBe(401);
    expect((await login(email, VICTIM_PASSWORD)).statusCode).toBe(200);
  });

  it("when an address of ADMIN_EMAILS registers, then it is no admin until the address is verified", async () => {
    const attacker = await register(adminEmail, ATTACKER_PASSWORD);
    expect(attacker.statusCode).toBe(201);
    expect(attacker.json().roles).toEqual(["user"]);
    expect((await models.Customer.findById(attacker.json().id).lean())?.roles).toEqual(["user"]);

    const admin = await registerVerifiedCustomer(app, tap, { email: adminEmail, password: VICTIM_PASSWORD });
    const me = await app.inject({ url: "/customers/me", headers: admin.auth });
    expect(me.json().roles).toEqual(["user", "admin"]);
    expect((await app.inject({ url: "/admin/customers", headers: admin.auth })).statusCode).toBe(200);
  });

  it("when the operator grants admin to an address not verified yet, then nothing is granted", async () => {
    const { setAdmin } = await import("../src/admin/admin-service.js");
    const { createAccountRepository } = await import("../src/accounts/account-repository.js");
    const { createSessionRepository } = await import("../src/sessions/session-repository.js");
    const email = newEmail();
    const id = (await register(email, ATTACKER_PASSWORD)).json().id;
    const deps = {
      accounts: createAccountRepository(models.Customer),
      sessions: createSessionRepository(models.Session),
      wakeRelay: () => undefined,
    };
    expect(await setAdmin(deps, email, true, { correlationId: `test-${randomUUID()}` })).toBe(false);
    expect((await models.Customer.findById(id).lean())?.roles).toEqual(["user"]);
  });
});

describe("registrations of one address at once", () => {
  it("when an address is registered ten times at once, then one account stands, with its own link and password, and every retired id is published deleted", async () => {
    const email = newEmail();
    const passwords = Array.from({ length: 10 }, (_, i) => `${ATTACKER_PASSWORD} ${i}`);
    const answers = await Promise.all(passwords.map((password) => register(email, password)));
    expect(answers.map((a) => a.statusCode)).toEqual(passwords.map(() => 201));

    const ids = answers.map((a) => a.json().id as string);
    const stored = await models.Customer.find({ _id: { $in: ids } }).lean();
    const live = stored.filter((c) => c.deletedAt === null);
    expect(live).toHaveLength(1);
    expect(await models.Customer.countDocuments({ email })).toBe(1);
    expect(stored.length).toBeLessThanOrEqual(config.accountMails.perDay);
    for (const retired of stored.filter((c) => c.deletedAt !== null))
      await tap.next(TOPICS.customerDeleted, retired._id);

    const winner = live[0]!._id;
    const token = await verificationTokenOf(tap, winner);
    expect((await verify(token, passwords[ids.indexOf(winner)]!)).statusCode).toBe(204);
  });
});

describe("register answers tell nothing about the address", () => {
  it("when a verified account's address is registered again, then the answer looks like any registration, nothing changes, and the owner is mailed a reset link", async () => {
    const owner = await registerVerifiedCustomer(app, tap, { displayName: "Owner" });
    const fresh = await register(newEmail(), ATTACKER_PASSWORD, "Attacker");
    const again = await register(` ${owner.email.toUpperCase()}`, ATTACKER_PASSWORD, "Attacker");
    expect(again.statusCode).toBe(fresh.statusCode);
    const shape = (body: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(body).map(([k, v]) => [k, k === "email" || k === "id" ? typeof v : v]));
    expect({ ...shape(again.json()), createdAt: "" }).toEqual({ ...shape(fresh.json()), createdAt: "" });
    expect(again.json().id).not.toBe(owner.id);

    expect(await tap.next(TOPICS.customerPasswordResetRequested, owner.id)).toMatchObject({ email: owner.email });
    expect((await login(owner.email, ATTACKER_PASSWORD)).statusCode).toBe(401);
    expect((await login(owner.email, owner.password)).statusCode).toBe(200);
    const stored = await models.Customer.find({ email: owner.email }).lean();
    expect(stored.map((c) => [c._id, c.displayName])).toEqual([[owner.id, "Owner"]]);
  });
});

describe("unverified registrations expire", () => {
  it("when a registration stays unverified past UNVERIFIED_ACCOUNT_TTL_HOURS, then the cleanup deletes it and publishes customer.deleted; the address is free, verified accounts stay", async () => {
    const email = newEmail();
    const pendingId = (await register(email, ATTACKER_PASSWORD)).json().id;
    const verified = await registerVerifiedCustomer(app, tap);

    const later = new Date(Date.now() + (config.unverifiedAccountTtlHours + 1) * 3600_000);
    await cleanUp(cleanupDepsFor(models, config), later);

    expect(await tap.next(TOPICS.customerDeleted, pendingId)).toMatchObject({ customerId: pendingId });
    expect(await models.Customer.exists({ email })).toBeNull();
    expect(await models.Customer.exists({ _id: verified.id, deletedAt: null })).not.toBeNull();
    expect(tap.of(TOPICS.customerDeleted, verified.id)).toHaveLength(0);
  });
});
