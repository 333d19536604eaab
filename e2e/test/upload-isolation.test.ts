import { randomUUID } from "node:crypto";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createClient, someLoopbackAddress, verifyByMail } from "./support.js";

const base = inject("gatewayUrl");
const send = createClient(base, { localAddress: someLoopbackAddress() });

/** A request with its path exactly as written: a URL would resolve dot segments and drop a fragment. */
function raw(
  path: string,
  method: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path,
        method,
        headers: { ...headers, ...(body && { "content-length": String(body.length) }) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function customer(name: string): Promise<string> {
  const email = `${name}-${randomUUID()}@example.com`;
  const password = "correct horse battery staple";
  expect((await send("POST", "/auth/register", { json: { email, password, displayName: name } })).status).toBe(201);
  await verifyByMail(send, email, password);
  const login = await send("POST", "/auth/login", { json: { email, password } });
  expect(login.status).toBe(200);
  return login.json<{ accessToken: string }>().accessToken;
}

const tus = (token: string) => ({ authorization: `Bearer ${token}`, "tus-resumable": "1.0.0" });

async function createUpload(token: string, size: number): Promise<string> {
  const created = await raw("/files/uploads", "POST", {
    ...tus(token),
    "upload-length": String(size),
    "upload-metadata": `filename ${Buffer.from("part.bin").toString("base64")}`,
  });
  expect(created.status).toBe(201);
  return created.headers.location!;
}

let alice: string;
let bob: string;
beforeAll(async () => {
  [alice, bob] = await Promise.all([customer("alice"), customer("bob")]);
});

describe(`tus through the edge at ${base}`, () => {
  it("when Alice's token names her upload and the URL carries Bob's id, then Bob's upload is neither read, written nor terminated", async () => {
    const mine = await createUpload(alice, 1000);
    const theirs = await createUpload(bob, 2000);
    const theirSegment = theirs.split("/").at(-1)!;
    const disguised = [
      `${mine}?x=/${theirSegment}`,
      `${mine}?/${theirSegment}`,
      `${mine}#/${theirSegment}`,
      `${mine}/../${theirSegment}`,
      `${mine}%2F..%2F${theirSegment}`,
      `${mine}%2F${theirSegment}`,
      `${mine};/${theirSegment}`,
      `${mine}//${theirSegment}`,
    ];
    for (const path of disguised) {
      const head = await raw(path, "HEAD", tus(alice));
      expect(head.headers["upload-length"], `HEAD ${path}`).not.toBe("2000");
      const chunk = { ...tus(alice), "upload-offset": "0", "content-type": "application/offset+octet-stream" };
      await raw(path, "PATCH", chunk, Buffer.alloc(10, 1));
      await raw(path, "DELETE", tus(alice));
    }
    const refused = await raw(`${mine}?x=/${theirSegment}`, "DELETE", tus(alice));
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text)).toMatchObject({ code: "INVALID_UPLOAD_URL" });

    const bobs = await raw(theirs, "HEAD", tus(bob));
    expect(bobs.status).toBe(200);
    expect(bobs.headers["upload-offset"]).toBe("0");
    expect(bobs.headers["upload-length"]).toBe("2000");
  });
});
