import { randomBytes, randomUUID } from "node:crypto";
import { get as httpGet } from "node:http";
import { TOPICS, createFieldCipher, parseFieldKeys } from "@coffer/contracts";
import { createEventTap, type EventTap, type TestDatabase, type TokenIssuer } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp } from "../src/app.js";
import type { Config } from "../src/config.js";
import { startFileService, type RunningFileService } from "./fixture.js";

let service: RunningFileService;
let db: TestDatabase, issuer: TokenIssuer, config: Config, app: FastifyInstance, base: string;
let tap: EventTap;
const cipher = createFieldCipher(parseFieldKeys(process.env.EVENT_ENCRYPTION_KEYS!));

beforeAll(async () => {
  tap = await createEventTap([TOPICS.shareCreated, TOPICS.shareAccessed]);
  service = await startFileService({ PUBLIC_BASE_URL: "https://coffer.example", SHARE_DOWNLOAD_STALL_SECONDS: "2" });
  ({ db, issuer, config, app, base } = service);
});
afterAll(async () => {
  await service?.close();
  await tap?.close();
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

const content = async (token: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${base}/s/${token}/content`, { headers });
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()), headers: response.headers };
};

/** Reads a download as a browser does until `stopAfter` bytes arrived, then the connection breaks. */
function brokenDownload(url: string, stopAfter: number) {
  return new Promise<{ etag: string; received: Buffer }>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const request = httpGet(url, (response) => {
      response.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        length += chunk.length;
        if (length >= stopAfter) {
          request.destroy();
          resolve({ etag: response.headers.etag!, received: Buffer.concat(chunks) });
        }
      });
    });
    request.on("error", (error) => (length < stopAfter ? reject(error) : undefined));
  });
}

/** Reads a download until `pauseAfter` bytes arrived, then takes nothing more until `rest()`. */
function pausedDownload(url: string, pauseAfter: number) {
  return new Promise<{ etag: string; rest: () => Promise<Buffer> }>((resolve) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let paused = false;
    const request = httpGet(url, (response) => {
      const ended = new Promise<Buffer>((done) => response.on("close", () => done(Buffer.concat(chunks))));
      response.on("error", () => undefined); // the server ends what it was told nothing about
      response.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        length += chunk.length;
        if (length < pauseAfter || paused) return;
        paused = true;
        response.pause();
        resolve({ etag: response.headers.etag!, rest: () => (response.resume(), ended) });
      });
    });
    request.on("error", () => undefined);
  });
}

describe("a share's download limit", () => {
  const accessedOnce = async (customerId: string, shareId: string) => {
    const events = await tap.next(TOPICS.shareAccessed, customerId);
    expect(events.map((e) => e.shareId)).toEqual([shareId]);
  };

  it("when a link limited to one download is asked again and again for ranges not starting at byte 0, then one copy's worth is served, one download counted and the owner told once", async () => {
    const attacks: ((i: number) => string)[] = [
      () => "bytes=1-",
      () => "bytes=-19999",
      (i) => `bytes=${1 + (i % 5) * 4000}-${(i % 5) * 4000 + 4000}`,
    ];
    for (const attack of attacks) {
      const { customerId, auth, fileId, data } = await ownerWithFile(randomBytes(20_000));
      const { id, url } = (await share(auth, fileId, { maxDownloads: 1 })).json();
      const answers = [];
      for (let i = 0; i < 20; i += 1) {
        const answer = await content(tokenOf(url), { range: attack(i) });
        answers.push(answer);
        if (answer.status !== 206) break;
        const [, start, end] = /^bytes (\d+)-(\d+)\/20000$/.exec(answer.headers.get("content-range")!)!;
        expect(answer.body.equals(data.subarray(Number(start), Number(end) + 1))).toBe(true);
      }
      const servedBytes = answers.filter((a) => a.status === 206).reduce((sum, a) => sum + a.body.length, 0);
      expect(answers[0]!.status).toBe(206);
      expect(answers.at(-1)!.status).toBe(410);
      expect(JSON.parse(answers.at(-1)!.body.toString())).toMatchObject({ code: "SHARE_EXHAUSTED" });
      // Never a second copy: a resume may overlap what was sent, by a bounded tolerance.
      expect(servedBytes).toBeLessThan(1.5 * data.length);
      expect((await content(tokenOf(url))).status).toBe(410);
      const listed = (await app.inject({ url: "/shares", headers: auth })).json().shares;
      expect(listed).toEqual([expect.objectContaining({ id, downloads: 1 })]);
      await accessedOnce(customerId, id);
    }
  });

  it("when 20 clients ask a link limited to 5 for bytes=1- at once, then exactly 5 are served", async () => {
    const { customerId, auth, fileId } = await ownerWithFile();
    const { url } = (await share(auth, fileId, { maxDownloads: 5 })).json();
    const statuses = await Promise.all(
      Array.from({ length: 20 }, async () => (await content(tokenOf(url), { range: "bytes=1-" })).status),
    );
    expect(statuses.filter((s) => s === 206)).toHaveLength(5);
    expect(statuses.filter((s) => s === 410)).toHaveLength(15);
    expect((await app.inject({ url: "/shares", headers: auth })).json().shares[0].downloads).toBe(5);
    expect(await tap.next(TOPICS.shareAccessed, customerId, 5)).toHaveLength(5);
  });

  it("when a browser's download of a link limited to one breaks and resumes with Range and If-Range, then the file arrives whole and counts once; a stale If-Range gets the whole file as a new download", async () => {
    // Big enough that what the kernel's socket buffers held when the connection broke (a few
    // MiB here) is within the tolerance, a quarter of the file.
    const { customerId, auth, fileId, data } = await ownerWithFile(randomBytes(32 * 2 ** 20));
    const { id, url } = (await share(auth, fileId, { maxDownloads: 2 })).json();
    const token = tokenOf(url);
    const { etag, received } = await brokenDownload(`${base}/s/${token}/content`, 2 ** 20);
    // What the server handed to the broken connection but the browser never got is given back.
    await vi.waitFor(
      async () => {
        const { rows } = await db.pool.query("SELECT served_bytes FROM shares WHERE id = $1", [id]);
        expect(Number(rows[0].served_bytes)).toBeLessThan(data.length);
      },
      { timeout: 10_000, interval: 50 },
    );
    const rest = await content(token, { range: `bytes=${received.length}-`, "if-range": etag });
    expect(rest.status).toBe(206);
    expect(Buffer.concat([received, rest.body]).equals(data)).toBe(true);
    expect((await app.inject({ url: "/shares", headers: auth })).json().shares[0].downloads).toBe(1);
    await accessedOnce(customerId, id);

    const stale = await content(token, { range: "bytes=100-", "if-range": '"stale"' });
    expect(stale.status).toBe(200);
    expect(stale.body.equals(data)).toBe(true);
    expect((await app.inject({ url: "/shares", headers: auth })).json().shares[0].downloads).toBe(2);
    expect((await content(token, { range: "bytes=1-" })).status).toBe(410);
  });

  it("when a browser pauses a download of a link limited to one past the stall timeout, then the server ends it and gives back what it did not take; the resume completes it as the same download", async () => {
    const { customerId, auth, fileId, data } = await ownerWithFile(randomBytes(32 * 2 ** 20));
    const { id, url } = (await share(auth, fileId, { maxDownloads: 1 })).json();
    const token = tokenOf(url);
    const paused = await pausedDownload(`${base}/s/${token}/content`, 2 ** 20);
    await vi.waitFor(
      async () => {
        const { rows } = await db.pool.query("SELECT served_bytes FROM shares WHERE id = $1", [id]);
        expect(Number(rows[0].served_bytes)).toBeLessThan(data.length);
      },
      { timeout: 20_000, interval: 100 },
    );
    const received = await paused.rest();
    expect(received.length).toBeLessThan(data.length);
    const rest = await content(token, { range: `bytes=${received.length}-`, "if-range": paused.etag });
    expect(rest.status).toBe(206);
    expect(Buffer.concat([received, rest.body]).equals(data)).toBe(true);
    expect((await app.inject({ url: "/shares", headers: auth })).json().shares[0].downloads).toBe(1);
    await accessedOnce(customerId, id);
    expect((await content(token)).status).toBe(410);
  });
});

describe("a share's password", () => {
  it("when 50 wrong passwords are guessed at once through two instances, then only 5 are checked, the rest and the right one refused until the lock ends", async () => {
    const second = await buildApp(config);
    try {
      const { auth, fileId } = await ownerWithFile();
      const { id, url } = (await share(auth, fileId, { password: "correct horse" })).json();
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          (i % 2 === 0 ? app : second).inject({
            method: "POST",
            url: `/s/${tokenOf(url)}/unlock`,
            payload: { password: `guess number ${i}` },
          }),
        ),
      );
      const codes = answers.map((a) => a.json().code as string);
      expect(codes.filter((c) => c === "SHARE_WRONG_PASSWORD")).toHaveLength(5);
      expect(codes.filter((c) => c === "TOO_MANY_ATTEMPTS")).toHaveLength(45);
      expect(answers.filter((a) => a.statusCode === 429).every((a) => Number(a.headers["retry-after"]) >= 1)).toBe(
        true,
      );
      const { rows } = await db.pool.query(
        "SELECT failed_unlocks, locked_until > now() AS locked FROM shares WHERE id = $1",
        [id],
      );
      expect(rows[0]).toEqual({ failed_unlocks: 5, locked: true });
      const right = await second.inject({
        method: "POST",
        url: `/s/${tokenOf(url)}/unlock`,
        payload: { password: "correct horse" },
      });
      expect(right.statusCode).toBe(429);
    } finally {
      await second.close();
    }
  });

  it("when a share's password is shorter than 8 characters, then 400; the grant of the right one is never cached", async () => {
    const { auth, fileId } = await ownerWithFile();
    const short = await share(auth, fileId, { password: "1234567" });
    expect(short.statusCode).toBe(400);
    expect(short.json().code).toBe("VALIDATION_FAILED");
    const created = await share(auth, fileId, { password: "12345678" });
    expect(created.statusCode).toBe(201);
    expect(created.headers["cache-control"]).toBe("no-store");
    const unlocked = await app.inject({
      method: "POST",
      url: `/s/${tokenOf(created.json().url)}/unlock`,
      payload: { password: "12345678" },
    });
    expect(unlocked.statusCode).toBe(200);
    expect(unlocked.headers["cache-control"]).toBe("no-store");
  });
});

describe("share mail and creation limits", () => {
  const addresses = (n: number) => Array.from({ length: n }, () => `r-${randomUUID()}@example.com`);

  it("when a share names more than 10 recipients, then 400 TOO_MANY_RECIPIENTS and nothing is created; the same address twice counts once", async () => {
    const { auth, fileId } = await ownerWithFile();
    const tooMany = await share(auth, fileId, { recipients: addresses(11) });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().code).toBe("TOO_MANY_RECIPIENTS");
    expect((await app.inject({ url: "/shares", headers: auth })).json().shares).toEqual([]);
    const ten = addresses(10);
    const created = await share(auth, fileId, { recipients: [...ten, ten[0]!.toUpperCase()] });
    expect(created.statusCode).toBe(201);
  });

  it("when a customer mails more than 50 recipients in a day, at once or after deleting the shared file, then the shares beyond are refused with 429 RECIPIENT_LIMIT_REACHED", async () => {
    const { customerId, auth, fileId } = await ownerWithFile();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => share(auth, fileId, { recipients: addresses(10) })),
    );
    expect(answers.filter((a) => a.statusCode === 201)).toHaveLength(5);
    const refused = answers.filter((a) => a.statusCode === 429);
    expect(refused).toHaveLength(5);
    expect(refused.every((a) => a.json().code === "RECIPIENT_LIMIT_REACHED")).toBe(true);
    expect(refused.every((a) => Number(a.headers["retry-after"]) > 0)).toBe(true);
    const events = await tap.next(TOPICS.shareCreated, customerId, 5);
    expect(events.flatMap((e) => e.recipients)).toHaveLength(50);

    // Deleting the file (and with it its shares) does not give the day's recipients back.
    await app.inject({ method: "DELETE", url: `/files/${fileId}`, headers: auth });
    const form = new FormData();
    form.append("file", new Blob([randomBytes(10)]), "another.txt");
    const another = (await (await fetch(`${base}/files`, { method: "POST", headers: auth, body: form })).json()) as {
      id: string;
    };
    const later = await share(auth, another.id, { recipients: addresses(1) });
    expect(later.statusCode).toBe(429);
    expect(later.json().code).toBe("RECIPIENT_LIMIT_REACHED");
    expect((await share(auth, another.id, {})).statusCode).toBe(201);
  });

  it("when a customer creates more than 30 shares in an hour, at once, then the rest are refused with 429 SHARE_RATE_LIMITED and a retry-after", async () => {
    const { auth, fileId } = await ownerWithFile();
    const answers = await Promise.all(Array.from({ length: 40 }, () => share(auth, fileId, {})));
    expect(answers.filter((a) => a.statusCode === 201)).toHaveLength(30);
    const refused = answers.filter((a) => a.statusCode === 429);
    expect(refused).toHaveLength(10);
    expect(refused.every((a) => a.json().code === "SHARE_RATE_LIMITED")).toBe(true);
    expect(refused.every((a) => Number(a.headers["retry-after"]) > 3500)).toBe(true);
  });
});
