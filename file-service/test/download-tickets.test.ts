import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { TestDatabase, TokenIssuer } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFileService, type RunningFileService } from "./fixture.js";

let service: RunningFileService;
let db: TestDatabase, issuer: TokenIssuer, app: FastifyInstance, base: string;

beforeAll(async () => {
  service = await startFileService();
  ({ db, issuer, app, base } = service);
});
afterAll(async () => service?.close());

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

async function newCustomer() {
  return { authorization: `Bearer ${await issuer.token(randomUUID())}` };
}

/** A name the folder already has makes a new version of that file. */
async function upload(auth: Record<string, string>, name: string, data: Buffer) {
  const form = new FormData();
  form.append("file", new Blob([data], { type: "text/plain" }), name);
  const response = await fetch(`${base}/files`, { method: "POST", headers: auth, body: form });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; version: number };
}

async function ticketFor(auth: Record<string, string>, fileId: string, version?: number) {
  const response = await app.inject({
    method: "POST",
    url: `/files/${fileId}/download-ticket${version === undefined ? "" : `?version=${version}`}`,
    headers: auth,
  });
  return { status: response.statusCode, body: response.json<{ url: string; expiresAt: string; code?: string }>() };
}

/** The ticket's URL on this test's server (the answer's is on PUBLIC_BASE_URL, the gateway). */
const local = (url: string) => `${base}${new URL(url).pathname}`;

describe("download tickets", () => {
  it("when the owner asks for a ticket, then its link streams the file as an attachment, with Range and ETag, without a token, as often as needed for 60 s", async () => {
    const auth = await newCustomer();
    const data = randomBytes(200 * 1024);
    const file = await upload(auth, "Relevé été.txt", data);
    const before = Date.now();
    const { status, body } = await ticketFor(auth, file.id);
    expect(status).toBe(201);
    expect(body.url).toMatch(/\/downloads\/[A-Za-z0-9_-]{43}$/);
    const lifetime = new Date(body.expiresAt).getTime() - before;
    expect(lifetime).toBeGreaterThan(55_000);
    expect(lifetime).toBeLessThanOrEqual(62_000);

    const whole = await fetch(local(body.url));
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-disposition")).toBe(
      `attachment; filename="Relev_ _t_.txt"; filename*=UTF-8''Relev%C3%A9%20%C3%A9t%C3%A9.txt`,
    );
    expect(whole.headers.get("etag")).toBe(`"${sha256(data)}"`);
    expect(Buffer.from(await whole.arrayBuffer()).equals(data)).toBe(true);

    const part = await fetch(local(body.url), { headers: { range: "bytes=1000-1999" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 1000-1999/${data.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(data.subarray(1000, 2000))).toBe(true);
    const cached = await fetch(local(body.url), { headers: { "if-none-match": `"${sha256(data)}"` } });
    expect(cached.status).toBe(304);
    const head = await fetch(local(body.url), { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(data.length));
  });

  it("when a ticket names a version, then that version is served even after a newer one is uploaded", async () => {
    const auth = await newCustomer();
    const first = Buffer.from("first version");
    const file = await upload(auth, "notes.txt", first);
    const { body } = await ticketFor(auth, file.id);
    expect((await upload(auth, "notes.txt", Buffer.from("second version"))).version).toBe(2);
    const old = await ticketFor(auth, file.id, 1);
    for (const url of [body.url, old.body.url]) {
      expect(Buffer.from(await (await fetch(local(url))).arrayBuffer()).toString()).toBe("first version");
    }
    expect((await ticketFor(auth, file.id, 9)).body.code).toBe("VERSION_NOT_FOUND");
  });

  it("when someone asks for a ticket to another customer's file, then 404 and no ticket is stored", async () => {
    const owner = await newCustomer();
    const file = await upload(owner, "private.txt", Buffer.from("mine"));
    const { rowCount: before } = await db.pool.query("SELECT 1 FROM download_tickets");
    const other = await ticketFor(await newCustomer(), file.id);
    expect(other).toMatchObject({ status: 404, body: { code: "FILE_NOT_FOUND" } });
    expect((await db.pool.query("SELECT 1 FROM download_tickets")).rowCount).toBe(before);
    const anonymous = await app.inject({ method: "POST", url: `/files/${file.id}/download-ticket` });
    expect(anonymous.statusCode).toBe(401);
  });

  it("when a ticket has expired, is unknown or malformed, or its file is trashed, then it serves nothing and says why", async () => {
    const auth = await newCustomer();
    const file = await upload(auth, "brief.txt", Buffer.from("brief"));
    const expired = (await ticketFor(auth, file.id)).body.url;
    await db.pool.query("UPDATE download_tickets SET expires_at = now() - interval '1 second'");
    const answer = await fetch(local(expired));
    expect(answer.status).toBe(410);
    expect(await answer.json()).toMatchObject({ code: "DOWNLOAD_TICKET_EXPIRED" });

    const unknown = await fetch(`${base}/downloads/${randomBytes(32).toString("base64url")}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: "DOWNLOAD_TICKET_NOT_FOUND" });
    expect((await fetch(`${base}/downloads/short`)).status).toBe(400);

    const trashed = (await ticketFor(auth, file.id)).body.url;
    expect((await app.inject({ method: "DELETE", url: `/files/${file.id}`, headers: auth })).statusCode).toBe(204);
    const gone = await fetch(local(trashed));
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ code: "FILE_NOT_FOUND" });
  });

  it("when tickets are stored, then only their SHA-256 is, and a customer's expired ones are forgotten at the next", async () => {
    const auth = await newCustomer();
    const file = await upload(auth, "a.txt", Buffer.from("a"));
    const ticket = new URL((await ticketFor(auth, file.id)).body.url).pathname.split("/").at(-1)!;
    const { rows } = await db.pool.query("SELECT ticket_hash FROM download_tickets WHERE file_id = $1", [file.id]);
    expect(rows).toEqual([{ ticket_hash: createHash("sha256").update(ticket).digest("hex") }]);
    await db.pool.query("UPDATE download_tickets SET expires_at = now() - interval '1 second' WHERE file_id = $1", [
      file.id,
    ]);
    await ticketFor(auth, file.id);
    expect((await db.pool.query("SELECT 1 FROM download_tickets WHERE file_id = $1", [file.id])).rowCount).toBe(1);
  });
});
