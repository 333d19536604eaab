import { createHash, randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { request as httpRequest, type ClientRequest } from "node:http";
import { join } from "node:path";
import * as Minio from "minio";
import * as tus from "tus-js-client";
import { describe, expect, inject, it, vi } from "vitest";
import { createClient, mailsTo, someLoopbackAddress, submitPageForm, waitForLink, waitForMail } from "./support.js";

const base = inject("gatewayUrl");
const local = inject("local");
const MiB = 2 ** 20;
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

type FileAnswer = { id: string; name: string; size: number; sha256: string; version: number };

/** Reads the owner's live notification stream through the gateway, as a browser tab would. */
function openStream(token: string, correlationId: string) {
  const events: { event: string; data: string }[] = [];
  let request: ClientRequest;
  const opened = new Promise<void>((resolve, reject) => {
    request = httpRequest(
      `${base}/notifications/stream`,
      { headers: { authorization: `Bearer ${token}`, accept: "text/event-stream", "x-correlation-id": correlationId } },
      (res) => {
        expect(res.statusCode).toBe(200);
        expect(res.headers["content-type"]).toMatch(/text\/event-stream/);
        let buffer = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const field = (name: string) =>
              block
                .split("\n")
                .find((l) => l.startsWith(`${name}: `))
                ?.slice(name.length + 2);
            if (field("data")) events.push({ event: field("event") ?? "message", data: field("data")! });
          }
        });
        resolve();
      },
    );
    request.on("error", reject);
    request.end();
  });
  return { opened, events, close: () => request.destroy() };
}

function tusUpload(
  data: Buffer,
  options: { token: string; correlationId: string; uploadUrl?: string; stopAfterChunks?: number },
) {
  return new Promise<{ url: string; completed: boolean }>((resolve, reject) => {
    let chunks = 0;
    const upload: tus.Upload = new tus.Upload(data, {
      endpoint: `${base}/files/uploads`,
      ...(options.uploadUrl && { uploadUrl: options.uploadUrl }),
      headers: { authorization: `Bearer ${options.token}`, "x-correlation-id": options.correlationId },
      chunkSize: 512 * 1024,
      retryDelays: [],
      metadata: { filename: "holiday.mov", filetype: "video/quicktime", sha256: sha256(data) },
      onChunkComplete: () => {
        chunks += 1;
        if (chunks === options.stopAfterChunks)
          void upload.abort().then(() => resolve({ url: upload.url!, completed: false }));
      },
      onSuccess: () => resolve({ url: upload.url!, completed: true }),
      onError: reject,
    });
    upload.start();
  });
}

describe.skipIf(local === null)("a customer's journey through the gateway", () => {
  it("register → verify → files, versions, tus, shares, quota, trash → rotate → delete: every outcome checked from outside", async () => {
    const correlationId = `journey-${randomUUID()}`;
    const send = createClient(base, { correlationId, localAddress: someLoopbackAddress() });
    const email = `journey-${randomUUID()}@example.com`;
    const password = "a long and careful passphrase";

    // Register; the verification mail arrives; verify; log in.
    const registered = await send("POST", "/auth/register", { json: { email, password, displayName: "Juno" } });
    expect(registered.status).toBe(201);
    expect(registered.headers["x-correlation-id"]).toBe(correlationId);
    const customerId = registered.json<{ id: string }>().id;
    // The mail's link opens a page; its button (a form post) confirms the address.
    const verifyLink = await waitForLink(email, /Verify your e-mail address/, { origin: base, path: "/verify-email" });
    const verifyToken = new URL(verifyLink).searchParams.get("token")!;
    const confirmed = await submitPageForm(send, verifyLink, { password });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.toString()).toContain("Your address is confirmed");
    const login = await send("POST", "/auth/login", { json: { email, password } });
    expect(login.status).toBe(200);
    let tokens = login.json<{ accessToken: string; refreshToken: string }>();
    const auth = () => ({ token: tokens.accessToken });

    // A folder, and a multipart upload into it (over the 1 MiB JSON limit: the upload route allows files).
    const folder = await send("POST", "/folders", { ...auth(), json: { name: "Reports" } });
    expect(folder.status).toBe(201);
    const folderId = folder.json<{ id: string }>().id;
    const reportV1 = randomBytes(1.5 * MiB);
    const multipart = (data: Buffer, name: string) => {
      const boundary = `----coffer${randomUUID()}`;
      const body = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`,
        ),
        data,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      return send("POST", `/files?folderId=${folderId}`, {
        ...auth(),
        headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
        body,
      });
    };
    const uploaded = await multipart(reportV1, "Quarterly report.pdf");
    expect(uploaded.status).toBe(201);
    const report = uploaded.json<FileAnswer>();
    expect(report).toMatchObject({ name: "Quarterly report.pdf", size: reportV1.length, sha256: sha256(reportV1) });

    // Listed in its folder, found by name.
    const listed = await send("GET", `/files?folderId=${folderId}`, auth());
    expect(listed.json<{ files: FileAnswer[] }>().files.map((f) => f.id)).toEqual([report.id]);
    const found = await send("GET", `/files?q=${encodeURIComponent("quarterly")}`, auth());
    expect(found.json<{ files: FileAnswer[] }>().files.map((f) => f.id)).toContain(report.id);

    // A ranged download.
    const ranged = await send("GET", `/files/${report.id}/content`, {
      ...auth(),
      headers: { range: "bytes=1000-1999" },
    });
    expect(ranged.status).toBe(206);
    expect(ranged.headers["content-range"]).toBe(`bytes 1000-1999/${reportV1.length}`);
    expect(ranged.body.equals(reportV1.subarray(1000, 2000))).toBe(true);

    // A resumable upload, interrupted after two chunks and resumed where it stopped.
    const movie = randomBytes(2 * MiB);
    const interrupted = await tusUpload(movie, { token: tokens.accessToken, correlationId, stopAfterChunks: 2 });
    expect(interrupted).toMatchObject({ completed: false, url: expect.stringContaining(`${base}/files/uploads/`) });
    const head = await send("HEAD", new URL(interrupted.url).pathname, {
      ...auth(),
      headers: { "tus-resumable": "1.0.0" },
    });
    expect(Number(head.headers["upload-offset"])).toBe(1 * MiB);
    const resumed = await tusUpload(movie, { token: tokens.accessToken, correlationId, uploadUrl: interrupted.url });
    expect(resumed.completed).toBe(true);
    const movieFile = await vi.waitFor(
      async () => {
        const status = (await send("GET", `${new URL(resumed.url).pathname}/status`, auth())).json<{
          state: string;
          file?: FileAnswer;
        }>();
        if (status.state !== "done") throw new Error(status.state);
        return status.file!;
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(movieFile).toMatchObject({ size: movie.length, sha256: sha256(movie) });

    // The same name again is a new version.
    const reportV2 = randomBytes(1.5 * MiB);
    const second = await multipart(reportV2, "Quarterly report.pdf");
    expect(second.status).toBe(201);
    expect(second.json<FileAnswer>()).toMatchObject({ id: report.id, version: 2 });
    const versions = await send("GET", `/files/${report.id}/versions`, auth());
    expect(versions.json<{ versions: unknown[] }>().versions).toHaveLength(2);

    // A share link with a password and one download, mailed to a recipient; the owner watches the live stream.
    const stream = openStream(tokens.accessToken, correlationId);
    await stream.opened;
    const recipient = `journey-recipient-${randomUUID()}@example.com`;
    const shared = await send("POST", `/files/${report.id}/shares`, {
      ...auth(),
      json: { password: "open sesame", maxDownloads: 1, recipients: [recipient] },
    });
    expect(shared.status).toBe(201);
    // The recipient follows the mailed link as a browser without JavaScript does: the page, its
    // password form, its Download link (the grant travels in the page's cookie).
    const shareLink = await vi.waitFor(
      async () => {
        const links = (await mailsTo(recipient)).map((m) => /https?:\/\/\S+\/s\/[\w-]{43}/.exec(m.text)?.[0]);
        const ours = links.find((l) => l !== undefined && new URL(l).origin === base);
        if (!ours) throw new Error(`no share mail to ${recipient} yet`);
        return ours;
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(shareLink).toBe(shared.json<{ url: string }>().url);
    const shareUrl = new URL(shareLink);
    const anonymous = createClient(base, { correlationId, localAddress: someLoopbackAddress() });
    const sharePage = await anonymous("GET", shareUrl.pathname, { headers: { accept: "text/html" } });
    expect(sharePage.status).toBe(200);
    expect(sharePage.body.toString()).toContain("<dd>Quarterly report.pdf</dd>");
    const wrong = await submitPageForm(anonymous, shareLink, { password: "not the password" });
    expect(wrong.status).toBe(403);
    expect(wrong.body.toString()).toContain("This password is not right.");
    const unlocked = await submitPageForm(anonymous, shareLink, { password: "open sesame" });
    expect(unlocked.status).toBe(303);
    const cookie = String(unlocked.headers["set-cookie"]).split(";")[0]!;
    const grant = cookie.split("=")[1]!;
    const unlockedPage = await anonymous("GET", unlocked.headers.location!, {
      headers: { accept: "text/html", cookie },
    });
    const downloadPath = /<a class="button" href="([^"]+)"/.exec(unlockedPage.body.toString())![1]!;
    expect(downloadPath).toBe(`${shareUrl.pathname}/content`);
    const downloaded = await anonymous("GET", downloadPath, { headers: { cookie } });
    expect(downloaded.status).toBe(200);
    expect(downloaded.headers["content-disposition"]).toMatch(/^attachment; filename="Quarterly report.pdf"/);
    expect(sha256(downloaded.body)).toBe(sha256(reportV2));
    const spent = await anonymous("GET", downloadPath, { headers: { cookie, accept: "text/html" } });
    expect(spent.status).toBe(410);
    expect(spent.body.toString()).toContain("This link has been used up");

    await waitForMail(email, /Your share of "Quarterly report\.pdf" was opened/);
    await vi.waitFor(
      () =>
        expect(stream.events.some((e) => e.event === "notification" && /share-opened|Share opened/.test(e.data))).toBe(
          true,
        ),
      {
        timeout: 20_000,
        interval: 100,
      },
    );
    stream.close();

    // Past 80 % of the quota (8 MiB): the warning mail.
    const filler = randomBytes(2 * MiB);
    const filled = await multipart(filler, "Filler.bin");
    expect(filled.status).toBe(201);
    const usage = (await send("GET", "/usage", auth())).json<{ usedBytes: number; quotaBytes: number }>();
    expect(usage.usedBytes / usage.quotaBytes).toBeGreaterThanOrEqual(0.8);
    await waitForMail(email, /Your Coffer storage is 80% full/);

    // Trash and restore.
    const fillerId = filled.json<FileAnswer>().id;
    expect((await send("DELETE", `/files/${fillerId}`, auth())).status).toBe(204);
    expect((await send("GET", "/trash", auth())).json<{ files: FileAnswer[] }>().files.map((f) => f.id)).toEqual([
      fillerId,
    ]);
    expect((await send("POST", `/trash/${fillerId}/restore`, auth())).json()).toMatchObject({ id: fillerId });
    expect((await send("GET", "/trash", auth())).json<{ files: FileAnswer[] }>().files).toEqual([]);

    // Refresh-token rotation: a new pair; the old refresh token is spent.
    const refreshed = await send("POST", "/auth/refresh", { json: { refreshToken: tokens.refreshToken } });
    expect(refreshed.status).toBe(200);
    const rotated = refreshed.json<{ accessToken: string; refreshToken: string }>();
    expect(rotated.refreshToken).not.toBe(tokens.refreshToken);
    expect((await send("POST", "/auth/refresh", { json: { refreshToken: tokens.refreshToken } })).status).toBe(401);
    // Presenting a spent refresh token looks like theft: the session ends, its access tokens with it.
    await vi.waitFor(
      async () => expect((await send("GET", "/files", { token: rotated.accessToken })).status).toBe(401),
      { timeout: 30_000, interval: 200 },
    );
    const again = await send("POST", "/auth/login", { json: { email, password } });
    expect(again.status).toBe(200);
    tokens = again.json<{ accessToken: string; refreshToken: string }>();

    // The customer's objects, before the account goes.
    const endpoint = new URL(process.env.MINIO_ENDPOINT!);
    const minio = new Minio.Client({
      endPoint: endpoint.hostname,
      port: Number(endpoint.port),
      useSSL: false,
      accessKey: process.env.MINIO_ACCESS_KEY!,
      secretKey: process.env.MINIO_SECRET_KEY!,
    });
    const objectsOfCustomer = async () => {
      const names: string[] = [];
      for await (const item of minio.listObjectsV2(local!.bucket, `${customerId}/`, true))
        if (item.name) names.push(item.name);
      return names;
    };
    expect((await objectsOfCustomer()).length).toBeGreaterThanOrEqual(4);

    // Delete the account: the goodbye mail, the objects gone, and no mail after it.
    const deleted = await send("DELETE", "/customers/me", { ...auth(), json: { password } });
    expect(deleted.status, deleted.body.toString()).toBe(204);
    await waitForMail(email, /Your Coffer account was deleted/);
    await vi.waitFor(async () => expect(await objectsOfCustomer()).toEqual([]), { timeout: 30_000, interval: 250 });
    const mailsAtDeletion = (await mailsTo(email)).length;
    expect((await send("POST", "/auth/password/forgot", { json: { email } })).status).toBe(202);
    expect((await send("POST", "/auth/login", { json: { email, password } })).status).toBe(401);
    // What would have been mailed by now has been: a later account's mail has gone through the same pipeline.
    const later = `journey-later-${randomUUID()}@example.com`;
    expect(
      (await send("POST", "/auth/register", { json: { email: later, password, displayName: "Later" } })).status,
    ).toBe(201);
    await waitForMail(later, /Verify your e-mail address/);
    expect((await mailsTo(email)).length).toBe(mailsAtDeletion);

    // One correlation id, in every service's logs (requests and the events they caused).
    for (const service of ["gateway", "customer-service", "file-service", "notification-service"]) {
      const lines = readFileSync(join(local!.logDir, `${service}.log`), "utf8")
        .split("\n")
        .filter((l) => l.includes(correlationId));
      expect(lines.length, `${service} logged ${correlationId}`).toBeGreaterThan(0);
    }
    // Secrets stay out of every log: the share link's token, the tokens, the password.
    const shareToken = shareUrl.pathname.split("/")[2]!;
    for (const service of ["gateway", "customer-service", "file-service", "notification-service"]) {
      const log = readFileSync(join(local!.logDir, `${service}.log`), "utf8");
      for (const secret of [shareToken, grant, tokens.accessToken, tokens.refreshToken, password, verifyToken])
        expect(log.includes(secret), `${service}'s log holds a secret`).toBe(false);
    }
    const notificationLines = readFileSync(join(local!.logDir, "notification-service.log"), "utf8").split("\n");
    expect(notificationLines.some((l) => l.includes(correlationId) && l.includes("event handled"))).toBe(true);
  });
});
