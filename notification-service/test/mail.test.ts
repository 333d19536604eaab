import { randomUUID } from "node:crypto";
import { TOPICS, createEvent } from "@coffer/contracts";
import { PAGE_STYLESHEET } from "@coffer/contracts/http";
import { createTestDatabase, createTokenIssuer, mailsTo, waitForMails } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp } from "../src/app.js";
import { cipher, createEventSource, createSmtpPath, testConfig, untilConsuming } from "./support.js";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let issuer: Awaited<ReturnType<typeof createTokenIssuer>>;
let smtp: Awaited<ReturnType<typeof createSmtpPath>>;
let app: FastifyInstance;
const events = createEventSource();

beforeAll(async () => {
  db = await createTestDatabase();
  issuer = await createTokenIssuer();
  smtp = await createSmtpPath();
  app = await buildApp(testConfig({ DATABASE_URL: db.url, JWKS_URL: issuer.jwksUrl, SMTP_URL: smtp.url }));
  await untilConsuming(events, db.pool);
});
afterAll(async () => {
  await app?.close();
  await events.close();
  await smtp?.close();
  await issuer?.close();
  await db?.drop();
});

/** A customer as customer-service's events describe it, verified or not. */
async function customer(options: { verified?: boolean; locale?: string; displayName?: string } = {}) {
  const customerId = randomUUID();
  const email = `n-${customerId}@example.com`;
  await events.publish(TOPICS.customerRegistered, {
    customerId,
    email,
    displayName: options.displayName ?? "Ada",
    locale: options.locale ?? "en",
  });
  if (options.verified ?? true) await events.publish(TOPICS.customerEmailVerified, { customerId, email });
  return { customerId, email };
}

/** The share mail this service sent the recipient (known by its link: any service on the topic could mail one). */
const shareMailTo = (recipient: string, token: string) =>
  vi.waitFor(
    async () => {
      const mail = (await mailsTo(recipient)).find((m) => m.text.includes(`https://coffer.example/s/${token}`));
      if (!mail) throw new Error(`no share mail to ${recipient} yet`);
      return mail;
    },
    { timeout: 20_000, interval: 100 },
  );

const sealed = (topic: string, customerId: string, secret: string) => cipher.encrypt(secret, `${topic}:${customerId}`);

async function processedUpTo(customerId: string, occurredAt: Date) {
  await vi.waitFor(
    async () => {
      const { rows } = await db.pool.query("SELECT updated_at FROM customers WHERE id = $1", [customerId]);
      if (!rows[0] || rows[0].updated_at < occurredAt) throw new Error("not there yet");
    },
    { timeout: 20_000, interval: 100 },
  );
}

describe("e-mail", () => {
  it("when a verification is requested, then the address gets one mail in the customer's language with the decrypted link", async () => {
    const { customerId, email } = await customer({ verified: false, locale: "fr-CA" });
    const token = `verify-${randomUUID()}`;
    const topic = TOPICS.customerEmailVerificationRequested;
    await events.publish(topic, {
      customerId,
      email,
      displayName: "Ada",
      token: sealed(topic, customerId, token),
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    const [mail, ...more] = await waitForMails(email, 1);
    expect(more).toEqual([]);
    expect(mail!.subject).toBe("Vérifiez votre adresse e-mail");
    expect(mail!.text).toContain(`https://coffer.example/verify-email?token=${token}`);
    // HTML-escaped as in the message (Handlebars escapes "=" inside the attribute).
    expect(mail!.html.replaceAll("&#x3D;", "=")).toContain(`href="https://coffer.example/verify-email?token=${token}"`);
    expect(mail!.html).toContain("Bienvenue sur Coffer, Ada");
  });

  it("when the verification is consumed before the registration, then the welcome mail waits for the customer's name and language without holding up other mail", async () => {
    const customerId = randomUUID();
    const email = `n-${customerId}@example.com`;
    // Two topics, no order between them: here the verification is consumed first, and waits.
    const verified = await events.publish(TOPICS.customerEmailVerified, { customerId, email });
    await vi.waitFor(
      async () => {
        const { rows } = await db.pool.query("SELECT topic FROM awaiting_customer WHERE event_id = $1", [
          verified.eventId,
        ]);
        expect(rows).toEqual([{ topic: TOPICS.customerEmailVerified }]);
      },
      { timeout: 20_000, interval: 50 },
    );
    const other = await customer();
    await waitForMails(other.email, 1);

    const registered = createEvent(
      TOPICS.customerRegistered,
      { customerId, email, displayName: "Zoé", locale: "fr" },
      { correlationId: `test-${randomUUID()}`, producer: "test" },
    );
    await events.republish(TOPICS.customerRegistered, {
      ...registered,
      occurredAt: new Date(verified.occurredAt.getTime() - 1000),
    });
    const [mail, ...more] = await waitForMails(email, 1);
    expect(more).toEqual([]);
    expect(mail!.subject).toBe("Votre compte Coffer est prêt");
    expect(mail!.text).toContain("Zoé");
    const { rows } = await db.pool.query("SELECT 1 FROM awaiting_customer WHERE customer_id = $1", [customerId]);
    expect(rows).toEqual([]);
  });

  it("when an address was never verified, then it gets only the verification mail", async () => {
    const { customerId, email } = await customer({ verified: false });
    await events.publish(TOPICS.customerPasswordChanged, { customerId, email });
    await events.publish(TOPICS.quotaThresholdReached, { customerId, usedBytes: 90, quotaBytes: 100, threshold: 80 });
    const topic = TOPICS.customerEmailVerificationRequested;
    await events.publish(topic, {
      customerId,
      email,
      displayName: "Ada",
      token: sealed(topic, customerId, "t0k3n-t0k3n"),
      expiresAt: new Date(Date.now() + 3600_000),
    });
    const mails = await waitForMails(email, 1);
    expect(mails.map((m) => m.subject)).toEqual(["Verify your e-mail address"]);
  });

  it("when a topic is replayed, then no second mail is sent; with the resend header, exactly one more", async () => {
    const { customerId, email } = await customer();
    const [welcome] = await waitForMails(email, 1);
    expect(welcome!.subject).toBe("Your Coffer account is ready");
    const changed = await events.publish(TOPICS.customerPasswordChanged, { customerId, email });
    await waitForMails(email, 2);

    await events.republish(TOPICS.customerPasswordChanged, changed); // a redelivery or a plain replay
    await events.publish(TOPICS.shareAccessed, {
      customerId,
      shareId: randomUUID(),
      fileId: randomUUID(),
      fileName: "a.pdf",
      accessedAt: new Date(),
    });
    await waitForMails(email, 3);
    const replayId = randomUUID();
    await events.republish(TOPICS.customerPasswordChanged, changed, {
      "x-replay-resend": "true",
      "x-replay-id": replayId,
    });
    await events.republish(TOPICS.customerPasswordChanged, changed, {
      "x-replay-resend": "true",
      "x-replay-id": replayId,
    });
    const mails = await waitForMails(email, 4);
    expect(mails.filter((m) => m.subject === "Your Coffer password was changed")).toHaveLength(2);
    expect(mails).toHaveLength(4);
  });

  it("when a reset is requested, the storage fills up or a share is opened, then the verified customer gets each mail with its link", async () => {
    const { customerId, email } = await customer();
    await waitForMails(email, 1);
    const token = `reset-${randomUUID()}`;
    const topic = TOPICS.customerPasswordResetRequested;
    await events.publish(topic, {
      customerId,
      email,
      token: sealed(topic, customerId, token),
      expiresAt: new Date(Date.now() + 1800_000),
    });
    await events.publish(TOPICS.quotaThresholdReached, {
      customerId,
      usedBytes: 850 * 2 ** 20,
      quotaBytes: 2 ** 30,
      threshold: 80,
    });
    await events.publish(TOPICS.quotaThresholdReached, {
      customerId,
      usedBytes: 2 ** 30,
      quotaBytes: 2 ** 30,
      threshold: 100,
    });
    await events.publish(TOPICS.shareAccessed, {
      customerId,
      shareId: randomUUID(),
      fileId: randomUUID(),
      fileName: "Plans.pdf",
      accessedAt: new Date(),
    });
    const mails = await waitForMails(email, 5);
    const bySubject = new Map(mails.map((m) => [m.subject, m]));
    expect(bySubject.get("Reset your Coffer password")!.text).toContain(
      `https://coffer.example/reset-password?token=${token}`,
    );
    expect(bySubject.get("Your Coffer storage is 80% full")!.text).toContain("You use 850.0 MiB of 1.0 GiB.");
    expect(bySubject.get("Your Coffer storage is full")!.text).toContain("New uploads are refused");
    expect(bySubject.get('Your share of "Plans.pdf" was opened')!.text).toContain("https://coffer.example/app/shares");
    const inbox = (
      await app.inject({
        url: "/notifications",
        headers: { authorization: `Bearer ${await issuer.token(customerId)}` },
      })
    ).json();
    const reset = inbox.items.find((i: { kind: string }) => i.kind === "password-reset");
    expect(reset.link).toBeNull(); // a secret link never goes into the inbox
  });

  it("when the customer opted out of a category, then that category sends no mail and no inbox item", async () => {
    const { customerId, email } = await customer();
    await waitForMails(email, 1);
    const auth = { authorization: `Bearer ${await issuer.token(customerId)}` };
    const put = await app.inject({
      method: "PUT",
      url: "/notifications/preferences",
      headers: auth,
      payload: { shares: true, activity: true, storage: false },
    });
    expect(put.json()).toEqual({ shares: true, activity: true, storage: false, security: true });
    await events.publish(TOPICS.quotaThresholdReached, { customerId, usedBytes: 95, quotaBytes: 100, threshold: 80 });
    await events.publish(TOPICS.shareAccessed, {
      customerId,
      shareId: randomUUID(),
      fileId: randomUUID(),
      fileName: "b.pdf",
      accessedAt: new Date(),
    });
    const mails = await waitForMails(email, 2);
    expect(mails.map((m) => m.subject).sort()).toEqual([
      "Your Coffer account is ready",
      'Your share of "b.pdf" was opened',
    ]);
    const inbox = (await app.inject({ url: "/notifications", headers: auth })).json();
    expect(inbox.items.map((i: { kind: string }) => i.kind).sort()).toEqual(["share-opened", "welcome"]);
  });

  it("when a share is created, then each recipient gets the link, its expiry and whether a password is needed, from the owner named with their address", async () => {
    const { customerId, email } = await customer();
    const recipients = [`r1-${randomUUID()}@example.com`, `r2-${randomUUID()}@example.com`];
    const token = `share-${randomUUID()}`;
    await events.publish(TOPICS.shareCreated, {
      customerId,
      shareId: randomUUID(),
      fileId: randomUUID(),
      fileName: "Plans.pdf",
      expiresAt: new Date("2030-01-02T03:04:00Z"),
      passwordProtected: true,
      recipients,
      token: sealed(TOPICS.shareCreated, customerId, token),
    });
    for (const recipient of recipients) {
      const mail = await shareMailTo(recipient, token);
      expect(mail.subject).toBe(`Ada (${email}) shared “Plans.pdf” with you`);
      expect(mail.text).toContain("Jan 2, 2030");
      expect(mail.text).toContain("You need the password");
    }
  });

  it("when an owner's name and file name speak as Coffer, then the recipient's mail quotes them as the owner's words, with the owner's address, stripped of invisible characters", async () => {
    const { customerId, email } = await customer({ displayName: "Coffer Security Team" });
    const recipient = `r-${randomUUID()}@example.com`;
    const token = `share-${randomUUID()}`;
    await events.publish(TOPICS.shareCreated, {
      customerId,
      shareId: randomUUID(),
      fileId: randomUUID(),
      fileName: `Your account is suspended, sign in again\u202Efdp.exe${"!".repeat(200)}`,
      expiresAt: new Date("2030-01-02T03:04:00Z"),
      passwordProtected: false,
      recipients: [recipient],
      token: sealed(TOPICS.shareCreated, customerId, token),
    });
    const mail = await shareMailTo(recipient, token);
    expect(mail.subject).toBe(
      `Coffer Security Team (${email}) shared “Your account is suspended, sign in againfdp.exe${"!".repeat(32)}…” with you`,
    );
    expect(mail.text).toContain(
      `The name and the file name above were written by ${email}, not by Coffer. If you do not know this sender, ignore this e-mail.`,
    );
    expect(mail.html).not.toContain("\u202E");
  });

  it("when a French-speaking customer shares a file, then the recipient's mail and the owner's share-opened mail are in French, styled by the pages' stylesheet with inline styles for clients that strip it", async () => {
    const { customerId, email } = await customer({ locale: "fr" });
    await waitForMails(email, 1);
    const recipient = `r-${randomUUID()}@example.com`;
    const token = `share-${randomUUID()}`;
    await events.publish(TOPICS.shareCreated, {
      customerId,
      shareId: randomUUID(),
      fileId: randomUUID(),
      fileName: "Plans.pdf",
      expiresAt: new Date("2030-01-02T03:04:00Z"),
      passwordProtected: true,
      recipients: [recipient],
      token: sealed(TOPICS.shareCreated, customerId, token),
    });
    const [shared] = await waitForMails(recipient, 1);
    // French quotes hold the name with no-break spaces.
    expect(shared!.subject).toBe(`Ada (${email}) a partagé «\u00a0Plans.pdf\u00a0» avec vous`);
    expect(shared!.text).toContain("Le lien fonctionne jusqu'au 2 janv. 2030");
    expect(shared!.text).toContain("Il vous faut le mot de passe que Ada vous a donné.");
    expect(shared!.text).toContain(`https://coffer.example/s/${token}`);
    // The recipient has no account: the footer says why the mail came.
    expect(shared!.text).toContain(
      `Vous recevez cet e-mail parce que ${email} a partagé un fichier avec cette adresse par Coffer.`,
    );
    expect(shared!.html).toContain('<html lang="fr">');
    // (MIME carries the lines with CRLF)
    expect(shared!.html.replaceAll("\r\n", "\n")).toContain(PAGE_STYLESHEET);
    expect(shared!.html).toMatch(
      /<a\s+class="button"\s+href="[^"]+"\s+style="display:inline-block;background:#0a4fb3;color:#fff/,
    );

    await events.publish(TOPICS.shareAccessed, {
      customerId,
      shareId: randomUUID(),
      fileId: randomUUID(),
      fileName: "Plans.pdf",
      accessedAt: new Date("2030-01-01T10:00:00Z"),
    });
    const mails = await waitForMails(email, 2);
    const opened = mails.find((m) => m.subject === "Votre partage de «\u00a0Plans.pdf\u00a0» a été ouvert");
    expect(opened?.text).toContain(
      "Quelqu'un a téléchargé «\u00a0Plans.pdf\u00a0» par votre lien de partage le 1 janv. 2030",
    );
  });

  it("when SMTP is unreachable for a while, then the mail waits (pending, retried) and goes out once when it is back", async () => {
    const { customerId, email } = await customer();
    await waitForMails(email, 1);
    await smtp.cut();
    const changed = await events.publish(TOPICS.customerPasswordChanged, { customerId, email });
    await vi.waitFor(
      async () => {
        const { rows } = await db.pool.query(
          "SELECT status, attempts, last_error FROM deliveries WHERE event_id = $1",
          [changed.eventId],
        );
        if (!rows[0] || rows[0].attempts < 2) throw new Error("not retried yet");
        expect(rows[0]).toMatchObject({ status: "pending", last_error: expect.any(String) });
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(await mailsTo(email)).toHaveLength(1);

    await smtp.restore();
    const mails = await waitForMails(email, 2);
    expect(mails.filter((m) => m.subject === "Your Coffer password was changed")).toHaveLength(1);
    // MailHog may show the mail a moment before the row records it sent.
    await expect
      .poll(
        async () => (await db.pool.query("SELECT status FROM deliveries WHERE event_id = $1", [changed.eventId])).rows,
      )
      .toEqual([{ status: "sent" }]);
  });

  it("when a customer is deleted, then they get the goodbye mail and nothing after it", async () => {
    const { customerId, email } = await customer();
    await waitForMails(email, 1);
    await events.publish(TOPICS.customerDeleted, { customerId });
    const mails = await waitForMails(email, 2);
    expect(mails.map((m) => m.subject)).toContain("Your Coffer account was deleted");
    await events.publish(TOPICS.shareAccessed, {
      customerId,
      shareId: randomUUID(),
      fileId: randomUUID(),
      fileName: "c.pdf",
      accessedAt: new Date(),
    });
    const later = await events.publish(TOPICS.customerProfileUpdated, {
      customerId,
      email,
      displayName: "X",
      locale: "en",
    });
    await processedUpTo(customerId, later.occurredAt);
    expect(await mailsTo(email)).toHaveLength(2);
    const { rows } = await db.pool.query("SELECT email, deleted_at FROM customers WHERE id = $1", [customerId]);
    expect(rows[0]).toMatchObject({ email: null, deleted_at: expect.any(Date) });
  });
});
