import { createHash, randomBytes, randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import type { TestDatabase, TokenIssuer } from "@coffer/contracts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../src/config.js";
import { startFileService, type RunningFileService } from "./fixture.js";
import { minioOf } from "./support.js";

const MiB = 2 ** 20;
let service: RunningFileService;
let redirecting: RunningFileService;
let db: TestDatabase, issuer: TokenIssuer, config: Config, base: string;

beforeAll(async () => {
  service = await startFileService();
  ({ db, issuer, config, base } = service);
  redirecting = await startFileService({ OWNER_DOWNLOAD_REDIRECT: "true", DOWNLOAD_REDIRECT_SECONDS: "60" });
});
afterAll(async () => {
  await redirecting?.close();
  await service?.close();
});

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

async function newCustomer(of: TokenIssuer = issuer) {
  const id = randomUUID();
  return { id, auth: { authorization: `Bearer ${await of.token(id)}` } };
}

/** A multipart upload sent as a client writes it, announcing `announced` bytes in x-file-size. */
function upload(url: string, auth: Record<string, string>, data: Buffer, announced: string) {
  const boundary = `----coffer${randomUUID()}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="data.bin"\r\n` +
        "Content-Type: application/octet-stream\r\n\r\n",
    ),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return new Promise<{ status: number; body: { id: string; code?: string; sha256?: string; size?: number } }>(
    (resolve, reject) => {
      const req = httpRequest(
        `${url}/files`,
        {
          method: "POST",
          headers: {
            ...auth,
            "content-type": `multipart/form-data; boundary=${boundary}`,
            "content-length": body.length,
            "x-file-size": announced,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }),
          );
        },
      );
      req.on("error", reject);
      req.end(body);
    },
  );
}

describe("uploads of an announced size", () => {
  it("when an upload announces its exact size, then it is stored as one object in one PUT (no parts) and downloads byte for byte", async () => {
    const { id, auth } = await newCustomer();
    const data = randomBytes(9 * MiB);
    const stored = await upload(base, auth, data, String(data.length));
    expect(stored.status).toBe(201);
    expect(stored.body).toMatchObject({ sha256: sha256(data), size: data.length });

    const [key] = await minioOf(config).keys(`${id}/`);
    const stat = await minioOf(config).client.statObject(config.minio.bucket, key!);
    // A multipart upload's ETag ends in -<parts>; one PUT's is the content's MD5.
    expect(stat.etag).toBe(createHash("md5").update(data).digest("hex"));
    const download = await fetch(`${base}/files/${stored.body.id}/content`, { headers: auth });
    expect(Buffer.from(await download.arrayBuffer()).equals(data)).toBe(true);
  });

  it("when the file is longer or shorter than announced, or the size is malformed, then 400 and no object, row, part or reservation is left", async () => {
    const { id, auth } = await newCustomer();
    const data = randomBytes(3 * MiB);
    const longer = await upload(base, auth, data, String(data.length - 1));
    expect(longer.status).toBe(400);
    expect(longer.body.code).toBe("SIZE_MISMATCH");
    const shorter = await upload(base, auth, data, String(data.length + 1));
    expect(shorter.status).toBe(400);
    expect(shorter.body.code).toBe("SIZE_MISMATCH");
    const malformed = await upload(base, auth, data, "3e6");
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe("INVALID_FILE_SIZE");

    expect((await db.pool.query("SELECT 1 FROM files WHERE customer_id = $1", [id])).rowCount).toBe(0);
    await expect.poll(async () => (await minioOf(config).keys(`${id}/`)).length).toBe(0);
    const incomplete: unknown[] = [];
    for await (const part of minioOf(config).client.listIncompleteUploads(config.minio.bucket, `${id}/`, true)) {
      incomplete.push(part);
    }
    expect(incomplete).toEqual([]);
    const { rows } = await db.pool.query("SELECT used_bytes, reserved_bytes FROM customers WHERE id = $1", [id]);
    expect(rows[0]).toMatchObject({ used_bytes: "0", reserved_bytes: "0" });
  });
});

describe("owners' downloads redirected to the store (OWNER_DOWNLOAD_REDIRECT)", () => {
  it("when the switch is on, then an owner's GET is a presigned redirect that serves the bytes, ranges and name; HEAD, If-Range and share links are served by file-service", async () => {
    const { auth } = await newCustomer(redirecting.issuer);
    const data = randomBytes(2 * MiB);
    const stored = await upload(redirecting.base, auth, data, String(data.length));
    expect(stored.status).toBe(201);
    const content = `${redirecting.base}/files/${stored.body.id}/content`;

    const redirect = await fetch(content, { headers: auth, redirect: "manual" });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("cache-control")).toBe("no-store");
    const location = redirect.headers.get("location")!;
    expect(location).toContain("X-Amz-Signature=");
    const direct = await fetch(location);
    expect(direct.status).toBe(200);
    expect(direct.headers.get("content-disposition")).toContain('filename="data.bin"');
    expect(Buffer.from(await direct.arrayBuffer()).equals(data)).toBe(true);
    const ranged = await fetch(location, { headers: { range: "bytes=100-199" } });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(data.subarray(100, 200))).toBe(true);
    const version = await fetch(`${redirecting.base}/files/${stored.body.id}/versions/1/content`, {
      headers: auth,
      redirect: "manual",
    });
    expect(version.status).toBe(302);

    expect((await fetch(content, { method: "HEAD", headers: auth })).status).toBe(200);
    const resumed = await fetch(content, {
      headers: { ...auth, range: "bytes=10-19", "if-range": `"${sha256(data)}"` },
      redirect: "manual",
    });
    expect(resumed.status).toBe(206);
    expect(Buffer.from(await resumed.arrayBuffer()).equals(data.subarray(10, 20))).toBe(true);

    const share = await fetch(`${redirecting.base}/files/${stored.body.id}/shares`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ maxDownloads: 1 }),
    });
    expect(share.status).toBe(201);
    const token = ((await share.json()) as { url: string }).url.split("/s/")[1]!;
    const shared = await fetch(`${redirecting.base}/s/${token}/content`, { redirect: "manual" });
    expect(shared.status).toBe(200);
    expect(Buffer.from(await shared.arrayBuffer()).equals(data)).toBe(true);
  });

  it("when the switch is off (the default), then an owner's GET streams the content", async () => {
    const { auth } = await newCustomer();
    const data = randomBytes(1024);
    const stored = await upload(base, auth, data, String(data.length));
    const download = await fetch(`${base}/files/${stored.body.id}/content`, { headers: auth, redirect: "manual" });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(data)).toBe(true);
  });
});
