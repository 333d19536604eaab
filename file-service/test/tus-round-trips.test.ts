import { createHash, randomBytes, randomUUID } from "node:crypto";
import { S3Client } from "@aws-sdk/client-s3";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startFileService, type RunningFileService } from "./fixture.js";

const MiB = 2 ** 20;
let service: RunningFileService;
/** Every S3 command and SQL statement file-service sends, as it sends them (nothing is replaced). */
let sent: string[] = [];

beforeAll(async () => {
  service = await startFileService();
  const send = S3Client.prototype.send;
  vi.spyOn(S3Client.prototype, "send").mockImplementation(function (this: S3Client, command, ...rest) {
    sent.push(`s3 ${command.constructor.name}`);
    return (send as (...args: unknown[]) => Promise<unknown>).call(this, command, ...rest) as never;
  });
  const query = pg.Pool.prototype.query;
  vi.spyOn(pg.Pool.prototype, "query").mockImplementation(function (this: pg.Pool, ...args: unknown[]) {
    const text = typeof args[0] === "string" ? args[0] : (args[0] as { text: string }).text;
    sent.push(`pg ${text.replace(/\s+/g, " ")}`);
    return (query as (...a: unknown[]) => unknown).apply(this, args) as never;
  });
});
afterEach(() => {
  sent = [];
});
afterAll(async () => {
  vi.restoreAllMocks();
  await service?.close();
});

describe("tus round trips", () => {
  it("when a chunk continues an upload, then its PATCH lists the parts once, reads the info once, opens its slot in one statement and fetches no missing .part; HEAD after a short chunk still sees it", async () => {
    const token = await service.issuer.token(randomUUID());
    const headers = { authorization: `Bearer ${token}`, "tus-resumable": "1.0.0" };
    const data = randomBytes(19 * MiB);
    const created = await fetch(`${service.base}/files/uploads`, {
      method: "POST",
      headers: {
        ...headers,
        "upload-length": String(data.length),
        "upload-metadata": `filename ${Buffer.from("trips.bin").toString("base64")},sha256 ${Buffer.from(createHash("sha256").update(data).digest("hex")).toString("base64")}`,
      },
    });
    expect(created.status).toBe(201);
    const url = new URL(created.headers.get("location")!, service.base).toString();
    const patch = (from: number, to: number) =>
      fetch(url, {
        method: "PATCH",
        headers: { ...headers, "upload-offset": String(from), "content-type": "application/offset+octet-stream" },
        body: data.subarray(from, to),
      });

    expect((await patch(0, 8 * MiB)).status).toBe(204);
    sent = [];
    expect((await patch(8 * MiB, 16 * MiB)).status).toBe(204);
    const count = (prefix: string) => sent.filter((trip) => trip.startsWith(prefix)).length;
    expect(count("s3 ListPartsCommand")).toBe(1);
    expect(count("s3 GetObjectCommand")).toBe(0);
    expect(count("pg SELECT info FROM tus_upload_info")).toBe(1);
    // The chunk's upload slot: one statement, not a read and a transaction of four.
    expect(count("pg SELECT open_upload_reservation")).toBe(1);
    expect(count("pg SELECT root_folder_id FROM customers")).toBe(0);

    expect((await patch(16 * MiB, 18 * MiB)).status).toBe(204);
    const head = await fetch(url, { method: "HEAD", headers });
    expect(head.headers.get("upload-offset")).toBe(String(18 * MiB));
    expect((await patch(18 * MiB, 19 * MiB)).status).toBe(204);

    const status = await vi.waitFor(
      async () => {
        const body = (await (await fetch(`${url}/status`, { headers })).json()) as { state: string };
        if (body.state !== "done") throw new Error(body.state);
        return body;
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(status.state).toBe("done");
  });
});
