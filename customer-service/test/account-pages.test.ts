import { randomUUID } from "node:crypto";
import { TOPICS } from "@coffer/contracts";
import { PAGE_HEADERS } from "@coffer/contracts/http";
import type { FastifyInstance } from "fastify";
import mongoose from "mongoose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

const PUBLIC_BASE_URL = "https://coffer.example";
const config = testConfig({ PUBLIC_BASE_URL });
const BROWSER = {
  accept: "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
  "accept-language": "en-GB,en;q=0.9",
};
let app: FastifyInstance;
let tap: EventTap;
let mongo: mongoose.Connection;

beforeAll(async () => {
  tap = await createEventTap([TOPICS.customerEmailVerificationRequested, TOPICS.customerPasswordResetRequested]);
  app = await startApp(config);
  mongo = await mongoose.createConnection(config.mongoUrl).asPromise();
});
afterAll(async () => {
  await app?.close();
  await tap?.close();
  await mongo?.close();
  await dropDatabase(config);
});

const open = (url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: "GET", url, headers: { ...BROWSER, ...headers } });
const submit = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  app.inject({
    method: "POST",
    url,
    headers: {
      ...BROWSER,
      "content-type": "application/x-www-form-urlencoded",
      origin: PUBLIC_BASE_URL,
      "sec-fetch-site": "same-origin",
      ...headers,
    },
    payload: new URLSearchParams(fields).toString(),
  });
const login = (email: string, password: string) =>
  app.inject({ method: "POST", url: "/auth/login", payload: { email, password } });

async function registered(locale = "en") {
  const email = `pages-${randomUUID()}@example.com`;
  const password = "correct horse battery staple";
  const answer = await app.inject({
    method: "POST",
    url: "/auth/register",
    payload: { email, password, displayName: "Page Reader", locale },
  });
  expect(answer.statusCode).toBe(201);
  const { id } = answer.json<{ id: string }>();
  return { id, email, password, token: await verificationTokenOf(tap, id) };
}

describe("customer-service: the verification page", () => {
  it("when the mailed link is opened, then a page asks to confirm and nothing changes; the button's post verifies", async () => {
    const customer = await registered();
    const page = await open(`/verify-email?token=${encodeURIComponent(customer.token)}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers).toMatchObject(PAGE_HEADERS);
    expect(page.body).toContain("Confirm my address");
    expect(page.body).toContain('<form method="post" action="/verify-email" novalidate>');
    // A scanner opening the link (any Accept), twice: still not verified.
    expect((await app.inject({ url: `/verify-email?token=${encodeURIComponent(customer.token)}` })).statusCode).toBe(
      200,
    );
    expect((await login(customer.email, customer.password)).json().code).toBe("EMAIL_NOT_VERIFIED");

    // The mailbox alone confirms nothing: the registrant's password is asked (account pre-hijacking).
    const wrong = await submit("/verify-email", { token: customer.token, password: "someone else's password" });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain("This is not the password this address was registered with.");
    expect((await login(customer.email, customer.password)).json().code).toBe("EMAIL_NOT_VERIFIED");

    const done = await submit("/verify-email", { token: customer.token, password: customer.password });
    expect(done.statusCode).toBe(200);
    expect(done.headers).toMatchObject(PAGE_HEADERS);
    expect(done.body).toContain("Your address is confirmed");
    expect((await login(customer.email, customer.password)).statusCode).toBe(200);

    const again = await submit("/verify-email", { token: customer.token, password: customer.password });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain("This link is used or expired");
    expect((await open(`/verify-email?token=${encodeURIComponent(customer.token)}`)).body).toContain(
      "This link is used or expired",
    );
  });

  it("when the account is French, then its pages are French whatever the browser says", async () => {
    const customer = await registered("fr-CA");
    const page = await open(`/verify-email?token=${encodeURIComponent(customer.token)}`);
    expect(page.body).toContain('<html lang="fr">');
    expect(page.body).toContain("Confirmer mon adresse");
    const done = await submit("/verify-email", { token: customer.token, password: customer.password });
    expect(done.body).toContain("Votre adresse est confirmée");
  });

  it("when a page of another site posts the form, then 403 with a page saying so, and the address stays unverified", async () => {
    const customer = await registered();
    for (const headers of [
      { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
      { origin: "https://evil.example", "sec-fetch-site": "" },
    ]) {
      const refused = await submit("/verify-email", { token: customer.token, password: customer.password }, headers);
      expect(refused.statusCode).toBe(403);
      expect(refused.body).toContain("This form was sent from another site");
    }
    expect((await login(customer.email, customer.password)).json().code).toBe("EMAIL_NOT_VERIFIED");
    expect((await submit("/verify-email", { token: customer.token, password: customer.password })).statusCode).toBe(
      200,
    );
  });

  it("when the link expired, then the page says so and its form sends a new link (a neutral answer)", async () => {
    const customer = await registered();
    const dayAgo = new Date(Date.now() - 24 * 3600_000);
    await mongo
      .collection("customers")
      .updateOne(
        { _id: customer.id as never },
        { $set: { "verification.expiresAt": dayAgo, "verification.sentAt": dayAgo } },
      );
    await mongo
      .collection("sent_mails")
      .updateMany({ key: `verification:${customer.email}` }, { $set: { at: dayAgo } });
    const expired = await open(`/verify-email?token=${encodeURIComponent(customer.token)}`);
    expect(expired.statusCode).toBe(400);
    expect(expired.body).toContain("This link is used or expired");
    expect(expired.body).toContain('action="/verify-email/resend"');

    const malformed = await submit("/verify-email/resend", { email: "not an address" });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.body).toContain('<p class="error" id="email-error">Enter an e-mail address');
    expect(malformed.body).toContain('aria-describedby="email-error"');
    expect(malformed.body).toContain('value="not an address"');

    const sent = await submit("/verify-email/resend", { email: customer.email });
    const unknown = await submit("/verify-email/resend", { email: `nobody-${randomUUID()}@example.com` });
    expect(sent.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(sent.body).toBe(unknown.body);
    const events = () => tap.of(TOPICS.customerEmailVerificationRequested, customer.id);
    await expect.poll(() => events().length, { timeout: 20_000 }).toBe(2);
    const fresh = cipher.decrypt(events()[1]!.token, `${TOPICS.customerEmailVerificationRequested}:${customer.id}`);
    expect((await submit("/verify-email", { token: fresh, password: customer.password })).statusCode).toBe(200);
  });

  it("when the link has no token or a made-up one, then the used-or-expired page", async () => {
    for (const url of ["/verify-email", "/verify-email?token=made-up-token-0000000"]) {
      const page = await open(url);
      expect(page.statusCode).toBe(400);
      expect(page.body).toContain("This link is used or expired");
    }
  });
});

describe("customer-service: the password pages", () => {
  it("when a person forgets, gets the link, and types the new password twice, then it is set and every session ends", async () => {
    const customer = await registerVerifiedCustomer(app, tap);
    const form = await open("/forgot-password");
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<label for="email">E-mail address</label>');

    const sent = await submit("/forgot-password", { email: customer.email });
    const unknown = await submit("/forgot-password", { email: `nobody-${randomUUID()}@example.com` });
    expect(sent.statusCode).toBe(202);
    expect(sent.body).toBe(unknown.body);
    const event = await tap.next(TOPICS.customerPasswordResetRequested, customer.id);
    const token = cipher.decrypt(event.token, `${TOPICS.customerPasswordResetRequested}:${customer.id}`);

    const resetPage = await open(`/reset-password?token=${encodeURIComponent(token)}`);
    expect(resetPage.statusCode).toBe(200);
    expect(resetPage.body).toContain("At least 10 characters, at most 128.");

    const short = await submit("/reset-password", { token, newPassword: "short", confirmPassword: "short" });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('<p class="error" id="newPassword-error">The password needs at least 10 characters.');
    const differ = await submit("/reset-password", {
      token,
      newPassword: "a brand new passphrase",
      confirmPassword: "a brand new passphrasf",
    });
    expect(differ.statusCode).toBe(400);
    expect(differ.body).toContain('<p class="error" id="confirmPassword-error">The two passwords are not the same.');
    expect(differ.body).toContain('aria-describedby="confirmPassword-error"');
    expect(differ.body).not.toContain("a brand new passphrase");
    expect((await login(customer.email, customer.password)).statusCode).toBe(200);

    const done = await submit("/reset-password", {
      token,
      newPassword: "a brand new passphrase",
      confirmPassword: "a brand new passphrase",
    });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain("Every session of your account was ended");
    const refresh = await app.inject({
      method: "POST",
      url: "/auth/refresh",
      payload: { refreshToken: customer.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
    expect((await login(customer.email, customer.password)).statusCode).toBe(401);
    expect((await login(customer.email, "a brand new passphrase")).statusCode).toBe(200);

    const used = await open(`/reset-password?token=${encodeURIComponent(token)}`);
    expect(used.statusCode).toBe(400);
    expect(used.body).toContain('href="/forgot-password"');
  });

  it("when a malformed address is sent, then the form comes back with the error next to the field", async () => {
    const page = await submit("/forgot-password", { email: "<b>nope" });
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('value="&lt;b&gt;nope"');
    expect(page.body).toContain('aria-invalid="true"');
  });

  it("when an API client posts a form that fails its schema, then it keeps the JSON error", async () => {
    const answer = await app.inject({
      method: "POST",
      url: "/reset-password",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: PUBLIC_BASE_URL },
      payload: "token=x",
    });
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toMatchObject({ code: "VALIDATION_FAILED" });
  });
});
