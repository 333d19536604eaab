import { randomBytes, randomUUID } from "node:crypto";
import { TOPICS, createEvent, serializeEvent, type EventMap } from "@coffer/contracts";
import { createEventTap, type EventTap, type TestDatabase, type TokenIssuer } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestPublisher, startFileService, type RunningFileService } from "./fixture.js";

let service: RunningFileService;
let db: TestDatabase, issuer: TokenIssuer, app: FastifyInstance, base: string;
let tap: EventTap;
const publisher = createTestPublisher();
const PUBLIC = "https://coffer.example";
/** What Chromium sends when it follows a link. */
const BROWSER = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8" };

beforeAll(async () => {
  tap = await createEventTap([TOPICS.shareAccessed]);
  service = await startFileService({ PUBLIC_BASE_URL: PUBLIC });
  ({ db, issuer, app, base } = service);
});
afterAll(async () => {
  await service?.close();
  await tap?.close();
  await publisher.close();
});

async function ownerWithFile(name = "Holiday plan.pdf", data = randomBytes(1_572_864)) {
  const customerId = randomUUID();
  const auth = { authorization: `Bearer ${await issuer.token(customerId)}` };
  const form = new FormData();
  form.append("file", new Blob([data], { type: "application/pdf" }), name);
  const file = (await (await fetch(`${base}/files`, { method: "POST", headers: auth, body: form })).json()) as {
    id: string;
  };
  return { customerId, auth, fileId: file.id, data };
}

async function shareOf(auth: Record<string, string>, fileId: string, payload: object = {}) {
  const created = await app.inject({ method: "POST", url: `/files/${fileId}/shares`, headers: auth, payload });
  expect(created.statusCode).toBe(201);
  const { id, url } = created.json<{ id: string; url: string }>();
  return { id, token: url.split("/s/")[1]! };
}

/** Publishes a customer event until file-service has applied it (its consumer joins when it joins). */
async function publishUntil<T extends typeof TOPICS.customerRegistered | typeof TOPICS.customerProfileUpdated>(
  topic: T,
  payload: Omit<EventMap[T], "eventId" | "occurredAt" | "correlationId" | "producer">,
  applied: () => Promise<boolean>,
) {
  const event = createEvent(topic, payload as never, { correlationId: "share-pages", producer: "test" });
  await vi.waitFor(
    async () => {
      await publisher.publish([
        { eventId: event.eventId, topic, key: payload.customerId, payload: serializeEvent(topic, event), headers: {} },
      ]);
      if (!(await applied())) throw new Error(`${topic} not applied yet`);
    },
    { timeout: 30_000, interval: 1000 },
  );
}

const page = (token: string, headers: Record<string, string> = {}) =>
  app.inject({ url: `/s/${token}`, headers: { ...BROWSER, ...headers } });
const postForm = (token: string, body: string, headers: Record<string, string> = {}) =>
  app.inject({
    method: "POST",
    url: `/s/${token}/unlock`,
    headers: { ...BROWSER, "content-type": "application/x-www-form-urlencoded", origin: PUBLIC, ...headers },
    payload: body,
  });
const downloads = async (shareId: string) =>
  (await db.pool.query<{ download_count: number }>("SELECT download_count FROM shares WHERE id = $1", [shareId]))
    .rows[0]!.download_count;

function expectPageHeaders(headers: Record<string, unknown>) {
  expect(headers["content-type"]).toBe("text/html; charset=utf-8");
  expect(headers["content-security-policy"]).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
  expect(headers["content-security-policy"]).not.toMatch(/script-src/);
  expect(headers["referrer-policy"]).toBe("no-referrer");
  expect(headers["cache-control"]).toBe("no-store");
}

describe("a share link's page", () => {
  it("when a browser opens a link, then the page shows the file, its size, type, expiry and downloads left, and the sharer's name as their own words, escaped; JSON clients get today's answer", async () => {
    const { customerId, auth, fileId } = await ownerWithFile();
    const name = 'Juno <img src=x onerror="alert(1)"> from IT';
    await publishUntil(
      TOPICS.customerRegistered,
      { customerId, email: `${customerId}@example.com`, displayName: name, locale: "en" },
      async () =>
        (await db.pool.query("SELECT 1 FROM customers WHERE id = $1 AND display_name = $2", [customerId, name]))
          .rowCount === 1,
    );
    const { id, token: live } = await shareOf(auth, fileId, { maxDownloads: 3 });

    const opened = await page(live);
    expect(opened.statusCode).toBe(200);
    expectPageHeaders(opened.headers);
    expect(opened.headers.vary).toMatch(/Accept/);
    const html = opened.body;
    expect(html).toContain("Holiday plan.pdf");
    expect(html).toContain("1.6 MB (1,572,864 bytes)");
    expect(html).toContain("application/pdf");
    expect(html).toMatch(/<dt>Downloads left<\/dt>\s*<dd>3<\/dd>/);
    expect(html).toMatch(/<time datetime="\d{4}-\d\d-\d\dT[^"]+">[^<]+ UTC<\/time>/);
    // The name is the sharer's, quoted and attributed, never markup.
    expect(html).toContain(
      '<p class="quote">Juno &lt;img src&#x3D;x onerror&#x3D;&quot;alert(1)&quot;&gt; from IT</p>',
    );
    expect(html).not.toContain("<img");
    expect(html).toContain(`href="/s/${live}/content"`);
    expect(html).not.toContain("<form");

    // The sharer renames themselves: the page follows.
    await publishUntil(
      TOPICS.customerProfileUpdated,
      { customerId, email: `${customerId}@example.com`, displayName: "Juno Renamed", locale: "en" },
      async () => (await page(live)).body.includes("Juno Renamed"),
    );

    const json = await app.inject({ url: `/s/${live}` });
    expect(json.headers["content-type"]).toMatch(/^application\/json/);
    expect(json.headers.vary).toMatch(/Accept/);
    expect(Object.keys(json.json()).sort()).toEqual(
      ["contentType", "downloadsLeft", "expiresAt", "fileName", "passwordRequired", "size"].sort(),
    );
    expect((await app.inject({ url: `/s/${live}`, headers: { accept: "*/*" } })).json().fileName).toBe(
      "Holiday plan.pdf",
    );
    expect(await downloads(id)).toBe(0);
  });

  it("when a mail scanner fetches the link, then nothing changes: no download counted, no share.accessed", async () => {
    const { customerId, auth, fileId } = await ownerWithFile();
    const { id, token } = await shareOf(auth, fileId, { maxDownloads: 1 });
    for (const headers of [BROWSER, { accept: "*/*" }, {}]) {
      expect((await app.inject({ url: `/s/${token}`, headers })).statusCode).toBe(200);
      expect((await app.inject({ method: "HEAD", url: `/s/${token}`, headers })).statusCode).toBe(200);
    }
    expect(await downloads(id)).toBe(0);
    // A download afterwards is the first and only one the owner hears of.
    await (await fetch(`${base}/s/${token}/content`)).arrayBuffer();
    const [accessed] = await tap.next(TOPICS.shareAccessed, customerId);
    expect(accessed).toMatchObject({ shareId: id });
    expect(tap.of(TOPICS.shareAccessed, customerId)).toHaveLength(1);
  });

  it("when a browser opens a French link, then the page is in French", async () => {
    const { auth, fileId } = await ownerWithFile("Plan.pdf");
    const { token } = await shareOf(auth, fileId, { password: "open sesame" });
    // French separates thousands and units with no-break spaces.
    const html = (await page(token, { "accept-language": "fr-FR,fr;q=0.9,en;q=0.5" })).body.replace(
      /[\u00a0\u202f]/g,
      " ",
    );
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain("Un fichier a été partagé avec vous");
    expect(html).toContain("1,6 Mo (1 572 864 octets)");
    expect(html).toContain("Sans limite");
    expect(html).toContain("Mot de passe");
  });

  it("when the password is sent by the page's form, then a wrong one comes back beside the field, the right one returns to the page with the grant's cookie, and the Download link works with it", async () => {
    const { auth, fileId, data } = await ownerWithFile();
    const { id, token } = await shareOf(auth, fileId, { password: "open sesame" });
    const locked = await page(token);
    expect(locked.statusCode).toBe(200);
    expect(locked.body).toContain(`<form method="post" action="/s/${token}/unlock">`);
    expect(locked.body).toMatch(/<label for="password">Password<\/label>/);
    expect(locked.body).not.toContain(`/s/${token}/content`);

    const empty = await postForm(token, "password=");
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('<p class="error" id="password-error">Enter the password.</p>');
    const wrong = await postForm(token, "password=not+it");
    expect(wrong.statusCode).toBe(403);
    expectPageHeaders(wrong.headers);
    expect(wrong.body).toContain('<p class="error" id="password-error">This password is not right.');
    expect(wrong.body).toMatch(/aria-invalid="true"/);
    expect(wrong.headers["set-cookie"]).toBeUndefined();

    const right = await postForm(token, "password=open+sesame");
    expect(right.statusCode).toBe(303);
    expect(right.headers.location).toBe(`/s/${token}`);
    expect(right.headers["cache-control"]).toBe("no-store");
    const setCookie = String(right.headers["set-cookie"]);
    expect(setCookie).toMatch(
      new RegExp(`^coffer_share_grant=[\\w-]+; Max-Age=600; Path=/s/${token}; HttpOnly; Secure; SameSite=Lax$`),
    );
    const cookie = setCookie.split(";")[0]!;

    const unlocked = await page(token, { cookie });
    expect(unlocked.body).toContain(`href="/s/${token}/content"`);
    expect(unlocked.body).toContain("Unlocked: you can download the file from this browser for the next 10 minutes.");
    const download = await fetch(`${base}/s/${token}/content`, { headers: { ...BROWSER, cookie } });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="Holiday plan.pdf"/);
    expect(Buffer.from(await download.arrayBuffer()).equals(data)).toBe(true);
    expect(await downloads(id)).toBe(1);
    // Without the cookie, the Download link leads back to the form, with the API's status.
    const again = await app.inject({ url: `/s/${token}/content`, headers: BROWSER });
    expect(again.statusCode).toBe(401);
    expect(again.body).toContain("Enter the password to download the file.");
  });

  it("when wrong passwords keep coming by the form, then the lock's wait is shown beside the field with 429 and Retry-After", async () => {
    const { auth, fileId } = await ownerWithFile();
    const { token } = await shareOf(auth, fileId, { password: "open sesame" });
    for (let i = 0; i < 5; i += 1) await postForm(token, "password=wrong");
    const throttled = await postForm(token, "password=open+sesame");
    expect(throttled.statusCode).toBe(429);
    const seconds = Number(throttled.headers["retry-after"]);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(throttled.body).toContain(`Too many wrong passwords. Wait ${seconds} seconds, then try again.`);
  });

  it("when another site posts the password form, then it is refused (403 page) and no grant is given; API clients' JSON posts are unaffected", async () => {
    const { auth, fileId } = await ownerWithFile();
    const { token } = await shareOf(auth, fileId, { password: "open sesame" });
    const forged = await postForm(token, "password=open+sesame", { origin: "https://evil.example" });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain("This form was sent from another site");
    expect(forged.headers["set-cookie"]).toBeUndefined();
    const api = await app.inject({ method: "POST", url: `/s/${token}/unlock`, payload: { password: "open sesame" } });
    expect(api.statusCode).toBe(200);
    expect(api.json()).toEqual({ grant: expect.any(String), expiresIn: 600 });
  });

  it("when a link is gone, then the page says which, with the API's status, for the page and for the Download link", async () => {
    const owner = await ownerWithFile();
    const revoked = await shareOf(owner.auth, owner.fileId);
    await app.inject({ method: "DELETE", url: `/shares/${revoked.id}`, headers: owner.auth });
    const expired = await shareOf(owner.auth, owner.fileId);
    await db.pool.query("UPDATE shares SET expires_at = now() - interval '1 minute' WHERE id = $1", [expired.id]);
    const exhausted = await shareOf(owner.auth, owner.fileId, { maxDownloads: 1 });
    await (await fetch(`${base}/s/${exhausted.token}/content`)).arrayBuffer();
    const trashedFile = await ownerWithFile();
    const unavailable = await shareOf(trashedFile.auth, trashedFile.fileId);
    await app.inject({ method: "DELETE", url: `/files/${trashedFile.fileId}`, headers: trashedFile.auth });

    const cases = [
      [revoked.token, 410, "This link was withdrawn", "SHARE_REVOKED"],
      [expired.token, 410, "This link has expired", "SHARE_EXPIRED"],
      [exhausted.token, 410, "This link has been used up", "SHARE_EXHAUSTED"],
      [unavailable.token, 410, "This file is no longer available", "SHARE_UNAVAILABLE"],
      ["x".repeat(43), 404, "There is no file at this link", "SHARE_NOT_FOUND"],
      ["short", 400, "This link is incomplete", "VALIDATION_FAILED"],
    ] as const;
    for (const [token, status, heading, code] of cases) {
      for (const url of [`/s/${token}`, `/s/${token}/content`]) {
        const shown = await app.inject({ url, headers: BROWSER });
        expect(shown.statusCode, url).toBe(status);
        expectPageHeaders(shown.headers);
        expect(shown.body, url).toContain(`<h1>${heading}</h1>`);
        const json = await app.inject({ url });
        expect(json.statusCode, url).toBe(status);
        expect(json.json().code, url).toBe(code);
      }
    }
  });
});
