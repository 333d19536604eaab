import { randomBytes, randomUUID } from "node:crypto";
import { get as httpGet } from "node:http";
import { describe, expect, inject, it, vi } from "vitest";
import { createClient, raiseQuota, someLoopbackAddress, type Client, verifyByMail } from "./support.js";

const base = inject("gatewayUrl");
const local = inject("local");

/** A verified, logged-in customer with one uploaded file. */
async function ownerWithFile(data: Buffer) {
  const send = createClient(base, { localAddress: someLoopbackAddress() });
  const email = `share-attacks-${randomUUID()}@example.com`;
  const password = "a long and careful passphrase";
  const registered = await send("POST", "/auth/register", { json: { email, password, displayName: "Ada" } });
  expect(registered.status).toBe(201);
  // The platform's quota is small (8 MiB); this file may be larger.
  await raiseQuota(local!.fileDatabaseUrl, registered.json<{ id: string }>().id, 2 * data.length + 2 ** 20);
  await verifyByMail(send, email, password);
  const token = (await send("POST", "/auth/login", { json: { email, password } })).json<{ accessToken: string }>()
    .accessToken;
  const boundary = `----coffer${randomUUID()}`;
  const uploaded = await send("POST", "/files", {
    token,
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    body: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="plans.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      data,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  });
  expect(uploaded.status).toBe(201);
  return { send, token, fileId: uploaded.json<{ id: string }>().id };
}

async function shareOf(owner: { send: Client; token: string; fileId: string }, body: object) {
  const shared = await owner.send("POST", `/files/${owner.fileId}/shares`, { token: owner.token, json: body });
  expect(shared.status).toBe(201);
  expect(shared.headers["cache-control"]).toBe("no-store");
  return new URL(shared.json<{ url: string }>().url).pathname;
}

/** Reads a download until `stopAfter` bytes arrived, then the connection breaks. */
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

describe.skipIf(local === null)("share links under attack, through the gateway", () => {
  it("when 50 addresses guess a share's password at once, then the gateway lets each through and file-service checks only 5, refusing the rest and the right one", async () => {
    const owner = await ownerWithFile(randomBytes(1000));
    const link = await shareOf(owner, { password: "correct horse battery" });
    // One address each: the gateway's per-address limit on unlock does not stop a spread-out guesser.
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        createClient(base, { localAddress: someLoopbackAddress() })("POST", `${link}/unlock`, {
          json: { password: `guess number ${i}` },
        }),
      ),
    );
    const codes = answers.map((a) => a.json<{ code?: string }>().code);
    expect(codes.filter((c) => c === "SHARE_WRONG_PASSWORD")).toHaveLength(5);
    expect(codes.filter((c) => c === "TOO_MANY_ATTEMPTS")).toHaveLength(45);
    const right = await createClient(base, { localAddress: someLoopbackAddress() })("POST", `${link}/unlock`, {
      json: { password: "correct horse battery" },
    });
    expect(right.status).toBe(429);
    expect(right.json()).toMatchObject({ code: "TOO_MANY_ATTEMPTS" });
  });

  it("when a link limited to one download is asked for bytes=1- twice, then the second is refused; a browser's broken download resumed with If-Range arrives whole and counts once", async () => {
    // Big enough that the socket buffers of both hops, lost when the connection breaks, stay
    // within the resume tolerance (a quarter of the file): several MiB on a loaded machine.
    const data = randomBytes(48 * 2 ** 20);
    const owner = await ownerWithFile(data);
    const anonymous = createClient(base, { localAddress: someLoopbackAddress() });

    const ranged = await shareOf(owner, { maxDownloads: 1 });
    const first = await anonymous("GET", `${ranged}/content`, { headers: { range: "bytes=1-" } });
    expect(first.status).toBe(206);
    expect(first.body.equals(data.subarray(1))).toBe(true);
    const again = await anonymous("GET", `${ranged}/content`, { headers: { range: "bytes=1-" } });
    expect(again.status).toBe(410);
    expect(again.json()).toMatchObject({ code: "SHARE_EXHAUSTED" });

    const resumed = await shareOf(owner, { maxDownloads: 1 });
    const { etag, received } = await brokenDownload(`${base}${resumed}/content`, 2 ** 20);
    // The browser retries until the server has noticed the broken connection (through two hops).
    const rest = await vi.waitFor(
      async () => {
        const answer = await anonymous("GET", `${resumed}/content`, {
          headers: { range: `bytes=${received.length}-`, "if-range": etag },
        });
        expect(answer.status).toBe(206);
        return answer;
      },
      { timeout: 20_000, interval: 200 },
    );
    expect(Buffer.concat([received, rest.body]).equals(data)).toBe(true);
    expect((await anonymous("GET", `${resumed}/content`)).status).toBe(410);
    const listed = (await owner.send("GET", "/shares", { token: owner.token })).json<{
      shares: { downloads: number }[];
    }>().shares;
    expect(listed.map((s) => s.downloads)).toEqual([1, 1]);
  });
});
