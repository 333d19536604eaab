import { createHash, randomBytes, randomUUID } from "node:crypto";
import * as Minio from "minio";
import { afterAll, describe, expect, it } from "vitest";

const endpoint = new URL(process.env.MINIO_ENDPOINT!);
const minio = new Minio.Client({
  endPoint: endpoint.hostname,
  port: Number(endpoint.port),
  useSSL: endpoint.protocol === "https:",
  accessKey: process.env.MINIO_ACCESS_KEY!,
  secretKey: process.env.MINIO_SECRET_KEY!,
});
const bucket = `smoke-${randomUUID()}`;

afterAll(async () => {
  await minio.removeObject(bucket, "blob").catch(() => undefined);
  await minio.removeBucket(bucket).catch(() => undefined);
});

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

describe("MinIO", () => {
  it("when a 5 MiB object is put, then getting it returns the same bytes", async () => {
    await minio.makeBucket(bucket);
    const data = randomBytes(5 * 1024 * 1024);
    await minio.putObject(bucket, "blob", data, data.length, { "Content-Type": "application/octet-stream" });

    const stat = await minio.statObject(bucket, "blob");
    expect(stat.size).toBe(data.length);

    const chunks: Buffer[] = [];
    for await (const chunk of await minio.getObject(bucket, "blob")) chunks.push(chunk as Buffer);
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(data));
  });
});
