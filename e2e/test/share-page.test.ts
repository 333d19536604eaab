import { createHash, randomBytes, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, inject, it, vi } from "vitest";
import { expectAccessible, screenshotForReadme, useBrowser } from "./browser.js";
import {
  createClient,
  mailsTo,
  someLoopbackAddress,
  type Mail,
  verifyByMail,
  queryDatabase,
  raiseQuota,
} from "./support.js";

const base = inject("gatewayUrl");
const local = inject("local");
const browser = useBrowser();
const MiB = 2 ** 20;
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");
const SHARED_SUBJECT = /shared .* with you/;
const OPENED_SUBJECT = /was opened/;
/** The sharer's name is theirs to choose: markup in it must reach the recipient as text. */
const OWNER_NAME = "Pat <b>from IT</b>";

type ShareAnswer = { id: string; downloads: number };

/** Runs SQL against the platform's file-service database: setup the API does not offer. */
const fileDatabase = (sql: string, values: unknown[]) => queryDatabase(local!.fileDatabaseUrl, sql, values);

/**
 * The mail to `address` that this platform sent: other platforms sharing the servers (another
 * run's) may mail the same address about the same events, with links to their own gateway.
 */
function ourMail(address: string, subject: RegExp): Promise<Mail> {
  return vi.waitFor(
    async () => {
      const mail = (await mailsTo(address)).find((m) => subject.test(m.subject) && m.text.includes(`${base}/`));
      if (!mail) throw new Error(`no mail "${subject}" to ${address} yet`);
      return mail;
    },
    { timeout: 30_000, interval: 200 },
  );
}

/** An owner with a verified account, a file of `size` random bytes, and the API at hand. */
async function ownerWithFile(name: string, size: number, options: { quotaBytes?: number } = {}) {
  const send = createClient(base, { localAddress: someLoopbackAddress() });
  const email = `owner-${randomUUID()}@example.com`;
  const password = "a long and careful passphrase";
  const registered = await send("POST", "/auth/register", { json: { email, password, displayName: OWNER_NAME } });
  expect(registered.status).toBe(201);
  if (options.quotaBytes) {
    await raiseQuota(local!.fileDatabaseUrl, registered.json<{ id: string }>().id, options.quotaBytes);
  }
  // The owner's own verification is another page's business: here, the API.
  await verifyByMail(send, email, password);
  const login = await send("POST", "/auth/login", { json: { email, password } });
  expect(login.status).toBe(200);
  const token = login.json<{ accessToken: string }>().accessToken;
  const data = randomBytes(size);
  const boundary = `----coffer${randomUUID()}`;
  const uploaded = await send("POST", "/files", {
    token,
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    body: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      data,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  });
  expect(uploaded.status).toBe(201);
  const fileId = uploaded.json<{ id: string }>().id;

  return {
    email,
    data,
    fileId,
    /** Shares the file with a new recipient by the API; the recipient's mail gives the link. */
    async share(options: { password?: string; maxDownloads?: number } = {}) {
      const recipient = `recipient-${randomUUID()}@example.com`;
      const created = await send("POST", `/files/${fileId}/shares`, {
        token,
        json: { ...options, recipients: [recipient] },
      });
      expect(created.status).toBe(201);
      const mail = await ourMail(recipient, SHARED_SUBJECT);
      return { id: created.json<{ id: string }>().id, link: linkIn(mail) };
    },
    async downloadsOf(shareId: string) {
      const listed = await send("GET", "/shares", { token });
      return listed.json<{ shares: ShareAnswer[] }>().shares.find((s) => s.id === shareId)?.downloads;
    },
    async openedMails() {
      return (await mailsTo(email)).filter((m) => OPENED_SUBJECT.test(m.subject) && m.text.includes(`${base}/`));
    },
    async inboxKinds() {
      const inbox = await send("GET", "/notifications", { token });
      return inbox.json<{ items: { kind: string }[] }>().items.map((i) => i.kind);
    },
    revoke: (shareId: string) => send("DELETE", `/shares/${shareId}`, { token }),
    trashFile: () => send("DELETE", `/files/${fileId}`, { token }),
  };
}

/** The share link of the recipient's mail, as a person clicks it. */
function linkIn(mail: Mail): string {
  const found = /https?:\/\/\S+\/s\/[A-Za-z0-9_-]{43}/.exec(mail.text)?.[0];
  if (!found) throw new Error(`no share link in "${mail.subject}"`);
  expect(new URL(found).origin).toBe(base);
  return found;
}

/** What a mail scanner or a link preview does: GETs of the link, as a browser and as a bot. */
async function scannerOpens(link: string): Promise<void> {
  const asBrowser = await fetch(link, { headers: { accept: "text/html", "user-agent": "SafeLinks-Scanner/1.0" } });
  expect(asBrowser.status).toBe(200);
  expect(asBrowser.headers.get("content-type")).toBe("text/html; charset=utf-8");
  await asBrowser.text();
  const asBot = await fetch(link, { method: "HEAD" });
  expect(asBot.status).toBe(200);
}

const heading = (page: Page) => page.getByRole("heading", { level: 1 });
/** A fact of the page's list: the text of the <dd> after the <dt>. */
const fact = (page: Page, term: string) => page.locator(`dt:text-is("${term}") + dd`).textContent();

/** Clicks Download and waits for the browser's own download: its name and the SHA-256 of what it saved. */
async function download(page: Page) {
  const [saved] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download" }).click(),
  ]);
  expect(await saved.failure()).toBeNull();
  return { name: saved.suggestedFilename(), sha256: sha256(await readFile((await saved.path())!)) };
}

/** The errors of a field: what its aria-describedby points at. */
async function descriptionOf(page: Page, label: string): Promise<string> {
  const ids = (await page.getByLabel(label, { exact: true }).getAttribute("aria-describedby")) ?? "";
  const texts = await Promise.all(ids.split(" ").map((id) => page.locator(`[id="${id}"]`).textContent()));
  return texts.join(" ");
}

/**
 * A GET of the link's content as the browser's download manager makes it: the page's cookie, and
 * for a resume the Range and If-Range of what it holds. `stopAfter`: the connection breaks once
 * that many bytes have arrived.
 */
function fetchContent(
  link: string,
  cookie: string,
  options: { range?: string; ifRange?: string; stopAfter?: number } = {},
): Promise<{ status: number; etag: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { cookie, accept: "*/*", "user-agent": "Chromium download manager" };
    if (options.range) headers.range = options.range;
    if (options.ifRange) headers["if-range"] = options.ifRange;
    const request = httpRequest(`${link}/content`, { headers }, (response) => {
      const chunks: Buffer[] = [];
      let received = 0;
      const done = () =>
        resolve({ status: response.statusCode!, etag: String(response.headers.etag), body: Buffer.concat(chunks) });
      response.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        if (options.stopAfter !== undefined && received >= options.stopAfter) {
          request.destroy();
          done();
        }
      });
      response.on("end", done);
      response.on("error", () => undefined);
    });
    request.on("error", (error) => (options.stopAfter === undefined ? reject(error) : undefined));
    request.end();
  });
}

async function grantCookie(context: BrowserContext, link: string): Promise<string> {
  const cookie = (await context.cookies(`${link}/content`)).find((c) => c.name === "coffer_share_grant");
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: new URL(link).pathname });
  return `${cookie!.name}=${cookie!.value}`;
}

describe.skipIf(local === null)("a share link's page, in Chromium, through the gateway", () => {
  describe.each([
    { javaScript: true, screenshots: true },
    // Small screen too: the page must work on a phone.
    { javaScript: false, screenshots: false, viewport: { width: 360, height: 740 } },
  ])("with JavaScript $javaScript", ({ javaScript, screenshots, viewport }) => {
    const openBrowser = async () => {
      const opened = await browser.open({ javaScriptEnabled: javaScript, ...(viewport && { viewport }) });
      opened.page.setDefaultTimeout(20_000);
      return opened;
    };
    const picture = (page: Page, name: string) => (screenshots ? screenshotForReadme(page, name) : undefined);
    // axe-core runs as a script in the page: with JavaScript off it cannot; the same pages are checked with it on.
    const checkAccessible = (page: Page) => (javaScript ? expectAccessible(page) : undefined);

    it("when a recipient opens the mailed link and clicks Download, then the browser saves the exact file, the download counts once and the owner hears of it; the scanner's GETs before changed nothing", async () => {
      const owner = await ownerWithFile("Quarterly report.pdf", 1.5 * MiB);
      const { id, link } = await owner.share({ maxDownloads: 2 });
      await scannerOpens(link);

      const { page } = await openBrowser();
      const opened = await page.goto(link);
      expect(opened?.status()).toBe(200);
      expect(await opened?.headerValue("content-security-policy")).toMatch(/frame-ancestors 'none'/);
      expect(await opened?.headerValue("referrer-policy")).toBe("no-referrer");
      await expect.poll(() => heading(page).textContent()).toBe("A file was shared with you");
      // The sharer's name, in their words: quoted as text, attributed, never markup.
      expect(await page.locator(".quote").textContent()).toBe(OWNER_NAME);
      expect(await page.locator("main b").count()).toBe(0);
      expect(await fact(page, "File")).toBe("Quarterly report.pdf");
      expect(await fact(page, "Size")).toBe("1.6 MB (1,572,864 bytes)");
      expect(await fact(page, "Type")).toBe("application/pdf");
      expect(await fact(page, "Link works until")).toMatch(/ UTC$/);
      expect(await fact(page, "Downloads left")).toBe("2");
      await checkAccessible(page);
      await picture(page, "share-page");
      // Neither the scanner nor opening the page counted anything.
      expect(await owner.downloadsOf(id)).toBe(0);
      expect(await owner.openedMails()).toEqual([]);

      const saved = await download(page);
      expect(saved).toEqual({ name: "Quarterly report.pdf", sha256: sha256(owner.data) });
      expect(await owner.downloadsOf(id)).toBe(1);
      await ourMail(owner.email, OPENED_SUBJECT);
      await vi.waitFor(async () => expect(await owner.inboxKinds()).toContain("share-opened"), {
        timeout: 20_000,
        interval: 200,
      });
      expect(await owner.openedMails()).toHaveLength(1);
      await page.reload();
      expect(await fact(page, "Downloads left")).toBe("1");
    });

    it("when a recipient opens a password-protected link, types the password and downloads, then the file arrives whole and counts once", async () => {
      const owner = await ownerWithFile("Contract.pdf", 1 * MiB);
      const password = `open sesame ${randomUUID().slice(0, 6)}`;
      const { id, link } = await owner.share({ password });
      await scannerOpens(link);
      const { page } = await openBrowser();
      await page.goto(link);
      await expect.poll(() => heading(page).textContent()).toBe("A file was shared with you");
      expect(await page.getByRole("link", { name: "Download" }).count()).toBe(0);
      await checkAccessible(page);
      await picture(page, "share-password");

      if (javaScript) {
        // A wrong password: the page comes back with the error beside the field (the API's 403).
        await page.getByLabel("Password", { exact: true }).fill("not the password");
        const [refused] = await Promise.all([
          page.waitForResponse((r) => r.url() === `${link}/unlock`),
          page.getByRole("button", { name: "Unlock" }).click(),
        ]);
        expect(refused.status()).toBe(403);
        await expect.poll(() => descriptionOf(page, "Password")).toContain("This password is not right.");
        expect(await page.getByLabel("Password", { exact: true }).getAttribute("aria-invalid")).toBe("true");
        await checkAccessible(page);
        await picture(page, "share-password-wrong");
      }
      await page.getByLabel("Password", { exact: true }).fill(password);
      await page.getByRole("button", { name: "Unlock" }).click();
      await expect.poll(() => page.getByRole("link", { name: "Download" }).count()).toBe(1);
      expect(page.url()).toBe(link);
      await expect.poll(() => page.locator(".notice").textContent()).toContain("Unlocked");
      await checkAccessible(page);
      await picture(page, "share-unlocked");
      expect(await owner.downloadsOf(id)).toBe(0);

      const saved = await download(page);
      expect(saved).toEqual({ name: "Contract.pdf", sha256: sha256(owner.data) });
      expect(await owner.downloadsOf(id)).toBe(1);
      await ourMail(owner.email, OPENED_SUBJECT);
      expect(await owner.openedMails()).toHaveLength(1);
    });
  });

  it("when a big download through the page is interrupted and resumed with Range, as the browser's download manager does with the page's cookie, then the file is whole and counts once", async () => {
    // Big enough that what the sockets and the gateway held when the connection broke is within
    // the tolerance of a resume (a quarter of the file): the platform's small quota is raised for it.
    const owner = await ownerWithFile("Holiday film.mov", 48 * MiB, { quotaBytes: 64 * MiB });
    const password = `open sesame ${randomUUID().slice(0, 6)}`;
    const { id, link } = await owner.share({ password, maxDownloads: 1 });
    const { context, page } = await browser.open();
    page.setDefaultTimeout(20_000);
    await page.goto(link);
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByRole("button", { name: "Unlock" }).click();
    await expect.poll(() => page.getByRole("link", { name: "Download" }).count()).toBe(1);
    const cookie = await grantCookie(context, link);

    const broken = await fetchContent(link, cookie, { stopAfter: 1 * MiB });
    expect(broken.status).toBe(200);
    expect(broken.body.length).toBeGreaterThanOrEqual(1 * MiB);
    expect(broken.body.length).toBeLessThan(owner.data.length);
    // The browser resumes later; by then the service has given back what never left it.
    await vi.waitFor(
      async () =>
        expect(
          await fileDatabase("SELECT 1 FROM shares WHERE id = $1 AND served_bytes < $2", [id, owner.data.length]),
        ).toBe(1),
      { timeout: 20_000, interval: 200 },
    );
    const rest = await fetchContent(link, cookie, { range: `bytes=${broken.body.length}-`, ifRange: broken.etag });
    expect(rest.status).toBe(206);
    expect(sha256(Buffer.concat([broken.body, rest.body]))).toBe(sha256(owner.data));

    expect(await owner.downloadsOf(id)).toBe(1);
    await ourMail(owner.email, OPENED_SUBJECT);
    expect(await owner.openedMails()).toHaveLength(1);
    // One download allowed, one served: the link is used up now, and says so.
    const gone = await page.goto(link);
    expect(gone?.status()).toBe(410);
    await expect.poll(() => heading(page).textContent()).toBe("This link has been used up");
  });

  it("when a link is gone, then its page says why, with the API's status, without JavaScript too", async () => {
    const owner = await ownerWithFile("Old notes.pdf", 1000);
    const revoked = await owner.share();
    expect((await owner.revoke(revoked.id)).status).toBe(204);
    const expired = await owner.share();
    await fileDatabase("UPDATE shares SET expires_at = now() - interval '1 minute' WHERE id = $1", [expired.id]);
    const usedUp = await owner.share({ maxDownloads: 1 });
    expect((await fetch(`${usedUp.link}/content`)).status).toBe(200);
    const unavailable = await owner.share();
    expect((await owner.trashFile()).status).toBe(204);
    const unknown = `${base}/s/${"A".repeat(43)}`;

    const { page } = await browser.open({ javaScriptEnabled: false });
    page.setDefaultTimeout(20_000);
    const cases = [
      [revoked.link, 410, "This link was withdrawn"],
      [expired.link, 410, "This link has expired"],
      [usedUp.link, 410, "This link has been used up"],
      [unavailable.link, 410, "This file is no longer available"],
      [unknown, 404, "There is no file at this link"],
      [`${base}/s/cut-short`, 400, "This link is incomplete"],
    ] as const;
    for (const [link, status, text] of cases) {
      const answer = await page.goto(link);
      expect(answer?.status(), link).toBe(status);
      await expect.poll(() => heading(page).textContent()).toBe(text);
    }
    const { page: withScript } = await browser.open();
    await withScript.goto(expired.link);
    await expectAccessible(withScript);
    await screenshotForReadme(withScript, "share-gone");
  });

  it("when a French-speaking recipient opens a link, then the page is in French", async () => {
    const owner = await ownerWithFile("Plan.pdf", 1000);
    const { link } = await owner.share({ password: "mot de passe" });
    const { page } = await browser.open({ locale: "fr-FR" });
    await page.goto(link);
    await expect.poll(() => heading(page).textContent()).toBe("Un fichier a été partagé avec vous");
    expect(await page.getByLabel("Mot de passe", { exact: true }).count()).toBe(1);
    expect(await page.getAttribute("html", "lang")).toBe("fr");
    await expectAccessible(page);
  });
});
