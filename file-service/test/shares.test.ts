import { randomBytes, randomUUID } from "node:crypto";
import { TOPICS, createFieldCipher, parseFieldKeys } from "@coffer/contracts";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import type { Config } from "../src/config.js";
import { createEventTap, createTestDatabase, createTokenIssuer, minioOf, testConfig } from "./support.js";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let issuer: Awaited<ReturnType<typeof createTokenIssuer>>;
let tap: Awaited<ReturnType<typeof createEventTap>>;
let config: Config;
let app: FastifyInstance;
let base: string;
const cipher = createFieldCipher(parseFieldKeys(process.env.EVENT_ENCRYPTION_KEYS!));

beforeAll(async () => {
  db = await createTestDatabase();
  issuer = await createTokenIssuer();
  tap = await createEventTap([TOPICS.shareCreated, TOPICS.shareAccessed]);
  config = testConfig({ DATABASE_URL: db.url, JWKS_URL: issuer.jwksUrl, PUBLIC_BASE_URL: "https://coffer.example" });
  app = await buildApp(config);
  base = await app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await app?.close();
  await tap?.close();
  await minioOf(config).removeBucket();
  await issuer?.close();
  await db?.drop();
});

async function ownerWithFile(data = randomBytes(20_000)) {
  const customerId = randomUUID();
  const auth = { authorization: `Bearer ${await issuer.token(customerId)}` };
  const form = new FormData();
  form.append("file", new Blob([data], { type: "text/plain" }), "Shared notes.txt");
  const file = (await (await fetch(`${base}/files`, { method: "POST", headers: auth, body: form })).json()) as {
    id: string;
  };
  return { customerId, auth, fileId: file.id, data };
}

const share = async (auth: Record<string, string>, fileId: string, payload: object) =>
  app.inject({ method: "POST", url: `/files/${fileId}/shares`, headers: auth, payload });
const tokenOf = (url: string) => url.split("/s/")[1]!;

describe("share links", () => {
  it("when a share is created, then its link works anonymously and share.created carries the token encrypted, with the recipients", async () => {
    const { customerId, auth, fileId, data } = await ownerWithFile();
    const created = await share(auth, fileId, { recipients: ["Bob@Example.com"], maxDownloads: 2 });
    expect(created.statusCode).toBe(201);
    const { id, url, expiresAt } = created.json();
    expect(url).toMatch(/^https:\/\/coffer\.example\/s\/[A-Za-z0-9_-]{43}$/);
    expect(new Date(expiresAt).getTime() - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    const [event] = await tap.next(TOPICS.shareCreated, customerId);
    expect(event).toMatchObject({
      shareId: id,
      fileId,
      fileName: "Shared notes.txt",
      passwordProtected: false,
      recipients: ["bob@example.com"],
    });
    expect(cipher.decrypt(event!.token!, `${TOPICS.shareCreated}:${customerId}`)).toBe(tokenOf(url));
    const { rows } = await db.pool.query("SELECT token_hash FROM shares WHERE id = $1", [id]);
    expect(rows[0].token_hash).not.toBe(tokenOf(url)); // stored hashed

    const info = await app.inject({ url: `/s/${tokenOf(url)}` });
    expect(info.json()).toMatchObject({
      fileName: "Shared notes.txt",
      size: data.length,
      passwordRequired: false,
      downloadsLeft: 2,
    });
    const download = await fetch(`${base}/s/${tokenOf(url)}/content`);
    expect(Buffer.from(await download.arrayBuffer()).equals(data)).toBe(true);
    const [accessed] = await tap.next(TOPICS.shareAccessed, customerId);
    expect(accessed).toMatchObject({ shareId: id, fileId, fileName: "Shared notes.txt" });
    const listed = (await app.inject({ url: "/shares", headers: auth })).json().shares;
    expect(listed).toEqual([expect.objectContaining({ id, downloads: 1, maxDownloads: 2 })]);
  });

  it("when 20 clients download at once through a link limited to 5, then exactly 5 get the file and the rest 410", async () => {
    const { auth, fileId } = await ownerWithFile();
    const { url } = (await share(auth, fileId, { maxDownloads: 5 })).json();
    const statuses = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const response = await fetch(`${base}/s/${tokenOf(url)}/content`);
        await response.arrayBuffer();
        return response.status;
      }),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 410)).toHaveLength(15);
    expect((await app.inject({ url: `/s/${tokenOf(url)}` })).json().code).toBe("SHARE_EXHAUSTED");
  });

  it("when a link has a password, then content needs a grant from unlock; wrong passwords are throttled", async () => {
    const { auth, fileId, data } = await ownerWithFile();
    const { url } = (await share(auth, fileId, { password: "open sesame" })).json();
    const token = tokenOf(url);
    expect((await app.inject({ url: `/s/${token}` })).json().passwordRequired).toBe(true);
    const locked = await app.inject({ url: `/s/${token}/content` });
    expect(locked.statusCode).toBe(401);
    expect(locked.json().code).toBe("SHARE_PASSWORD_REQUIRED");
    const unlock = (password: string) =>
      app.inject({ method: "POST", url: `/s/${token}/unlock`, payload: { password } });
    const wrong = await unlock("nope");
    expect(wrong.statusCode).toBe(403);
    const { grant } = (await unlock("open sesame")).json();
    const download = await fetch(`${base}/s/${token}/content`, { headers: { "x-share-grant": grant } });
    expect(Buffer.from(await download.arrayBuffer()).equals(data)).toBe(true);
    for (let i = 0; i < 5; i += 1) await unlock("still wrong");
    const throttled = await unlock("open sesame");
    expect(throttled.statusCode).toBe(429);
    expect(Number(throttled.headers["retry-after"])).toBeGreaterThanOrEqual(1);
  });

  it("when the right password is given, then the grant also comes back as an HttpOnly cookie of the link's path, not stored by caches, and the content answers to it alone", async () => {
    const { auth, fileId, data } = await ownerWithFile();
    const token = tokenOf((await share(auth, fileId, { password: "open sesame" })).json().url);
    const other = tokenOf((await share(auth, fileId, { password: "open sesame" })).json().url);
    const unlocked = await app.inject({
      method: "POST",
      url: `/s/${token}/unlock`,
      payload: { password: "open sesame" },
    });
    expect(unlocked.statusCode).toBe(200);
    const { grant, expiresIn } = unlocked.json();
    expect(unlocked.headers["cache-control"]).toBe("no-store");
    expect(unlocked.headers["set-cookie"]).toBe(
      `coffer_share_grant=${grant}; Max-Age=${expiresIn}; Path=/s/${token}; HttpOnly; Secure; SameSite=Lax`,
    );
    const cookie = { cookie: `coffer_share_grant=${grant}` };
    const download = await fetch(`${base}/s/${token}/content`, { headers: cookie });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(data)).toBe(true);
    // A grant opens its own link only, whichever way it travels.
    const elsewhere = await app.inject({ url: `/s/${other}/content`, headers: cookie });
    expect(elsewhere.statusCode).toBe(401);
    expect(elsewhere.json().code).toBe("SHARE_PASSWORD_REQUIRED");
    const wrong = await app.inject({ method: "POST", url: `/s/${token}/unlock`, payload: { password: "not it" } });
    expect(wrong.headers["set-cookie"]).toBeUndefined();
  });

  it("when a link is revoked, its file trashed, or it is unknown, then 410 or 404 with a clear code; another customer cannot revoke it", async () => {
    const owner = await ownerWithFile();
    const first = (await share(owner.auth, owner.fileId, {})).json();
    const second = (await share(owner.auth, owner.fileId, {})).json();
    const intruder = { authorization: `Bearer ${await issuer.token(randomUUID())}` };
    expect((await app.inject({ method: "DELETE", url: `/shares/${first.id}`, headers: intruder })).statusCode).toBe(
      404,
    );
    expect((await app.inject({ method: "DELETE", url: `/shares/${first.id}`, headers: owner.auth })).statusCode).toBe(
      204,
    );
    expect((await app.inject({ url: `/s/${tokenOf(first.url)}/content` })).json().code).toBe("SHARE_REVOKED");
    await app.inject({ method: "DELETE", url: `/files/${owner.fileId}`, headers: owner.auth });
    const trashed = await app.inject({ url: `/s/${tokenOf(second.url)}` });
    expect(trashed.statusCode).toBe(410);
    expect(trashed.json().code).toBe("SHARE_UNAVAILABLE");
    expect((await app.inject({ url: `/s/${"x".repeat(43)}` })).json().code).toBe("SHARE_NOT_FOUND");
    expect((await app.inject({ url: "/s/short" })).statusCode).toBe(400);
  });

  it("when an expiry is past the cap or in the past, then 400", async () => {
    const { auth, fileId } = await ownerWithFile();
    const late = await share(auth, fileId, { expiresAt: new Date(Date.now() + 31 * 86_400_000).toISOString() });
    expect(late.json().code).toBe("SHARE_EXPIRY_TOO_LATE");
    const past = await share(auth, fileId, { expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(past.json().code).toBe("SHARE_EXPIRY_IN_PAST");
  });
});
