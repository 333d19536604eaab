import { randomBytes, randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import { createTcpPath } from "@coffer/contracts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFileService, type RunningFileService } from "./fixture.js";

const MiB = 2 ** 20;
let service: RunningFileService;
let storagePath: Awaited<ReturnType<typeof createTcpPath>>;

beforeAll(async () => {
  // The service reaches MinIO through a relay the test can cut: an outage of the store mid-download.
  storagePath = await createTcpPath(new URL(process.env.MINIO_ENDPOINT!));
  service = await startFileService({ MINIO_ENDPOINT: storagePath.url });
});
afterAll(async () => {
  await service?.close();
  await storagePath?.close();
});

async function newCustomer() {
  return { authorization: `Bearer ${await service.issuer.token(randomUUID())}` };
}

async function upload(auth: Record<string, string>, data: Buffer) {
  const form = new FormData();
  form.append("file", new Blob([data]), "data.bin");
  const answer = await fetch(`${service.base}/files`, { method: "POST", headers: auth, body: form });
  expect(answer.status).toBe(201);
  return ((await answer.json()) as { id: string }).id;
}

/** GETs the URL, calling `onFirstChunk` once the body starts; what arrived and whether the response completed. */
function download(url: string, headers: Record<string, string>, onFirstChunk: () => Promise<void>) {
  return new Promise<{ status: number; length: number; received: number; complete: boolean }>((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      let received = 0;
      let first = true;
      res.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (!first) return;
        first = false;
        res.pause();
        onFirstChunk().then(() => res.resume(), reject);
      });
      res.on("error", () => undefined);
      res.on("close", () =>
        resolve({
          status: res.statusCode ?? 0,
          length: Number(res.headers["content-length"]),
          received,
          complete: res.complete,
        }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

describe("a download when the store fails mid-body", () => {
  it("when MinIO goes away after the first bytes, then the response is aborted, never a short 200 that ends cleanly; once it is back, the file downloads whole", async () => {
    const auth = await newCustomer();
    // More than the sockets between MinIO and the client can hold, so the cut lands mid-body.
    const data = randomBytes(64 * MiB);
    const id = await upload(auth, data);
    const url = `${service.base}/files/${id}/content`;

    const broken = await download(url, auth, async () => {
      await storagePath.cut();
    });
    expect(broken.status).toBe(200);
    expect(broken.length).toBe(data.length);
    expect(broken.complete).toBe(false);
    expect(broken.received).toBeLessThan(data.length);

    await storagePath.restore();
    const whole = await fetch(url, { headers: auth });
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(data)).toBe(true);
  });
});

describe("the file and version a download reads (one query)", () => {
  it("when the file is another customer's, in the trash, or has no such version, then 404 with the code that says which", async () => {
    const auth = await newCustomer();
    const id = await upload(auth, Buffer.from("first"));
    const get = async (path: string, headers = auth) => {
      const answer = await fetch(`${service.base}${path}`, { headers });
      return { status: answer.status, body: answer.status === 200 ? await answer.text() : await answer.json() };
    };

    expect(await get(`/files/${id}/content`)).toEqual({ status: 200, body: "first" });
    expect(await get(`/files/${id}/versions/1/content`)).toEqual({ status: 200, body: "first" });
    expect(await get(`/files/${id}/versions/2/content`)).toMatchObject({
      status: 404,
      body: { code: "VERSION_NOT_FOUND" },
    });
    expect(await get(`/files/${id}/content`, await newCustomer())).toMatchObject({
      status: 404,
      body: { code: "FILE_NOT_FOUND" },
    });
    expect((await fetch(`${service.base}/files/${id}`, { method: "DELETE", headers: auth })).status).toBe(204);
    expect(await get(`/files/${id}/content`)).toMatchObject({ status: 404, body: { code: "FILE_NOT_FOUND" } });
  });
});
