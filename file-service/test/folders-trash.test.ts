import { randomBytes, randomUUID } from "node:crypto";
import { TOPICS, createEvent, serializeEvent } from "@coffer/contracts";
import { createEventTap, type EventTap, type TestDatabase, type TokenIssuer } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import yauzl from "yauzl";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Config } from "../src/config.js";
import { createTestPublisher, startFileService, type RunningFileService } from "./fixture.js";
import { minioOf } from "./support.js";

let service: RunningFileService;
let db: TestDatabase, issuer: TokenIssuer, config: Config, app: FastifyInstance, base: string;
let tap: EventTap;
const publisher = createTestPublisher();

beforeAll(async () => {
  tap = await createEventTap([TOPICS.fileTrashed, TOPICS.fileRestored, TOPICS.filePurged]);
  service = await startFileService();
  ({ db, issuer, config, app, base } = service);
});
afterAll(async () => {
  await service?.close();
  await tap?.close();
  await publisher.close();
});

async function newCustomer() {
  const id = randomUUID();
  return { id, auth: { authorization: `Bearer ${await issuer.token(id)}` } };
}

async function upload(auth: Record<string, string>, name: string, data: Buffer, folderId?: string) {
  const form = new FormData();
  form.append("file", new Blob([data]), name);
  const response = await fetch(`${base}/files${folderId ? `?folderId=${folderId}` : ""}`, {
    method: "POST",
    headers: auth,
    body: form,
  });
  return (await response.json()) as { id: string; name: string; folderId: string };
}

const createFolder = (auth: Record<string, string>, payload: object) =>
  app.inject({ method: "POST", url: "/folders", headers: auth, payload });

describe("folders", () => {
  it("when names are invalid or taken (in any case), then 400 INVALID_NAME or 409 NAME_TAKEN", async () => {
    const { auth } = await newCustomer();
    for (const name of ["", "a/b", "a\\b", ".", "..", "bad\u0000name", "tab\tname", " padded", "é".repeat(128)]) {
      const response = await createFolder(auth, { name });
      expect(response.statusCode, JSON.stringify(name)).toBe(400);
    }
    expect((await createFolder(auth, { name: "Photos" })).statusCode).toBe(201);
    const again = await createFolder(auth, { name: "PHOTOS" });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe("NAME_TAKEN");
    expect((await createFolder(auth, { name: "日本語のフォルダ" })).statusCode).toBe(201);
  });

  it("when a folder would move into itself or its subfolder, then 409 FOLDER_CYCLE; the root cannot change", async () => {
    const { auth } = await newCustomer();
    const a = (await createFolder(auth, { name: "A" })).json();
    const b = (await createFolder(auth, { name: "B", parentId: a.id })).json();
    const c = (await createFolder(auth, { name: "C", parentId: b.id })).json();
    const cycle = await app.inject({
      method: "PATCH",
      url: `/folders/${a.id}`,
      headers: auth,
      payload: { parentId: c.id },
    });
    expect(cycle.statusCode).toBe(409);
    expect(cycle.json().code).toBe("FOLDER_CYCLE");
    const self = await app.inject({
      method: "PATCH",
      url: `/folders/${a.id}`,
      headers: auth,
      payload: { parentId: a.id },
    });
    expect(self.statusCode).toBe(409);
    const moved = await app.inject({
      method: "PATCH",
      url: `/folders/${c.id}`,
      headers: auth,
      payload: { parentId: a.id, name: "C2" },
    });
    expect(moved.json()).toMatchObject({ parentId: a.id, name: "C2" });
    const root = (await app.inject({ url: "/folders/root", headers: auth })).json().folder;
    expect((await app.inject({ method: "DELETE", url: `/folders/${root.id}`, headers: auth })).json().code).toBe(
      "ROOT_FOLDER",
    );
  });

  it("when a folder is listed, then subfolders come first and files page by cursor in the chosen order; search finds by part of a name", async () => {
    const { auth } = await newCustomer();
    const folder = (await createFolder(auth, { name: "Reports" })).json();
    await createFolder(auth, { name: "2025", parentId: folder.id });
    for (const [name, size] of [
      ["b-report.pdf", 30],
      ["a-report.pdf", 10],
      ["c-summary.pdf", 20],
    ] as const) {
      await upload(auth, name, randomBytes(size), folder.id);
    }
    const first = (
      await app.inject({ url: `/folders/${folder.id}?sort=size&order=desc&limit=2`, headers: auth })
    ).json();
    expect(first.folders.map((f: { name: string }) => f.name)).toEqual(["2025"]);
    expect(first.files.map((f: { name: string }) => f.name)).toEqual(["b-report.pdf", "c-summary.pdf"]);
    const second = (
      await app.inject({
        url: `/folders/${folder.id}?sort=size&order=desc&limit=2&cursor=${first.nextCursor}`,
        headers: auth,
      })
    ).json();
    expect(second.files.map((f: { name: string }) => f.name)).toEqual(["a-report.pdf"]);
    expect(second.nextCursor).toBeNull();
    const found = (await app.inject({ url: "/files?q=REPORT&sort=name", headers: auth })).json();
    expect(found.files.map((f: { name: string }) => f.name)).toEqual(["a-report.pdf", "b-report.pdf"]);
    expect((await app.inject({ url: "/files?q=%25", headers: auth })).json().files).toEqual([]); // % is literal
  });
});

describe("folder archives", () => {
  it("when a folder is downloaded as a zip, then it streams every current file with its path, byte for byte", async () => {
    const { auth } = await newCustomer();
    const folder = (await createFolder(auth, { name: "Project" })).json();
    const sub = (await createFolder(auth, { name: "docs", parentId: folder.id })).json();
    const files = {
      "readme.txt": randomBytes(3000),
      "docs/guide.pdf": randomBytes(70_000),
      "docs/été.txt": Buffer.from("accents"),
    };
    await upload(auth, "readme.txt", files["readme.txt"], folder.id);
    await upload(auth, "guide.pdf", files["docs/guide.pdf"], sub.id);
    await upload(auth, "été.txt", files["docs/été.txt"], sub.id);
    const trashed = await upload(auth, "gone.txt", Buffer.from("gone"), folder.id);
    await app.inject({ method: "DELETE", url: `/files/${trashed.id}`, headers: auth });

    const response = await fetch(`${base}/folders/${folder.id}/archive`, { headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/zip");
    expect(response.headers.get("content-disposition")).toContain("Project.zip");
    const zip = Buffer.from(await response.arrayBuffer());
    const entries = await new Promise<Record<string, Buffer>>((resolve, reject) => {
      const found: Record<string, Buffer> = {};
      yauzl.fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
        if (error || !archive) return reject(error);
        archive.on("entry", (entry: yauzl.Entry) => {
          archive.openReadStream(entry, async (err, stream) => {
            if (err || !stream) return reject(err);
            const chunks: Buffer[] = [];
            for await (const chunk of stream) chunks.push(chunk as Buffer);
            found[entry.fileName] = Buffer.concat(chunks);
            archive.readEntry();
          });
        });
        archive.on("end", () => resolve(found));
        archive.readEntry();
      });
    });
    expect(Object.keys(entries).sort()).toEqual(Object.keys(files).sort());
    for (const [path, data] of Object.entries(files)) expect(entries[path]!.equals(data), path).toBe(true);
    const intruder = await newCustomer();
    expect((await fetch(`${base}/folders/${folder.id}/archive`, { headers: intruder.auth })).status).toBe(404);
  });
});

describe("the trash", () => {
  it("when a file is trashed, restored over a taken name, trashed again and purged, then each step is published and storage is freed", async () => {
    const { id, auth } = await newCustomer();
    const data = randomBytes(5000);
    const file = await upload(auth, "plan.txt", data);
    expect((await app.inject({ method: "DELETE", url: `/files/${file.id}`, headers: auth })).statusCode).toBe(204);
    expect((await app.inject({ url: `/files/${file.id}`, headers: auth })).statusCode).toBe(404);
    const trash = (await app.inject({ url: "/trash", headers: auth })).json();
    expect(trash.files.map((f: { id: string }) => f.id)).toEqual([file.id]);
    const { rows } = await db.pool.query("SELECT trashed_at FROM files WHERE id = $1", [file.id]);
    const trashedAt: Date = rows[0].trashed_at;
    expect(trash.files[0]).toMatchObject({
      trashedAt: trashedAt.toISOString(),
      purgeAt: new Date(trashedAt.getTime() + 30 * 24 * 60 * 60 * 1000).toISOString(),
    });
    expect((await tap.next(TOPICS.fileTrashed, id))[0]).toMatchObject({
      fileId: file.id,
      name: "plan.txt",
      size: 5000,
    });
    expect((await app.inject({ url: "/usage", headers: auth })).json()).toMatchObject({
      usedBytes: 5000,
      trashBytes: 5000,
      fileCount: 0,
    });

    await upload(auth, "plan.txt", Buffer.from("a new plan"));
    const restored = await app.inject({ method: "POST", url: `/trash/${file.id}/restore`, headers: auth });
    expect(restored.json()).toMatchObject({ id: file.id, name: "plan (1).txt", folderId: file.folderId });
    expect((await tap.next(TOPICS.fileRestored, id))[0]).toMatchObject({ fileId: file.id, name: "plan (1).txt" });

    await app.inject({ method: "DELETE", url: `/files/${file.id}`, headers: auth });
    expect((await app.inject({ method: "DELETE", url: `/trash/${file.id}`, headers: auth })).statusCode).toBe(204);
    expect((await tap.next(TOPICS.filePurged, id))[0]).toMatchObject({ fileId: file.id, size: 5000 });
    expect((await app.inject({ url: "/usage", headers: auth })).json()).toMatchObject({
      usedBytes: 10,
      trashBytes: 0,
      fileCount: 1,
    });
    await expect.poll(async () => (await minioOf(config).keys(`${id}/`)).length, { timeout: 10_000 }).toBe(1);
    expect((await app.inject({ method: "DELETE", url: `/trash/${file.id}`, headers: auth })).statusCode).toBe(404);
  });

  it("when a folder is deleted, then its files go to the trash, and one restored after its folder is gone lands in the root", async () => {
    const { auth } = await newCustomer();
    const folder = (await createFolder(auth, { name: "Old" })).json();
    const sub = (await createFolder(auth, { name: "Older", parentId: folder.id })).json();
    const file = await upload(auth, "deep.txt", Buffer.from("deep"), sub.id);
    expect((await app.inject({ method: "DELETE", url: `/folders/${folder.id}`, headers: auth })).statusCode).toBe(204);
    expect((await app.inject({ url: `/folders/${sub.id}`, headers: auth })).statusCode).toBe(404);
    expect((await app.inject({ url: "/trash", headers: auth })).json().files.map((f: { id: string }) => f.id)).toEqual([
      file.id,
    ]);
    const root = (await app.inject({ url: "/folders/root", headers: auth })).json().folder;
    const restored = (await app.inject({ method: "POST", url: `/trash/${file.id}/restore`, headers: auth })).json();
    expect(restored).toMatchObject({ folderId: root.id, name: "deep.txt" });
  });
});

describe("customer deletion", () => {
  it("when customer.deleted arrives, then every row and every object of the customer is erased", async () => {
    const { id, auth } = await newCustomer();
    const folder = (await createFolder(auth, { name: "All" })).json();
    for (let i = 0; i < 4; i += 1) await upload(auth, `f${i}.bin`, randomBytes(1000), i % 2 ? folder.id : undefined);
    await upload(auth, "f0.bin", randomBytes(1000)); // a second version
    const trashed = await upload(auth, "trashed.bin", randomBytes(1000));
    await app.inject({ method: "DELETE", url: `/files/${trashed.id}`, headers: auth });
    expect(await minioOf(config).keys(`${id}/`)).toHaveLength(6);
    const other = await newCustomer();
    await upload(other.auth, "keep.bin", randomBytes(10));

    const event = createEvent(TOPICS.customerDeleted, { customerId: id }, { correlationId: "erase", producer: "test" });
    await vi.waitFor(
      async () => {
        await publisher.publish([
          {
            eventId: event.eventId,
            topic: TOPICS.customerDeleted,
            key: id,
            payload: serializeEvent(TOPICS.customerDeleted, event),
            headers: {},
          },
        ]);
        const { rowCount } = await db.pool.query("SELECT 1 FROM customers WHERE id = $1", [id]);
        if (rowCount !== 0) throw new Error("not erased yet");
      },
      { timeout: 30_000, interval: 1000 },
    );
    await expect.poll(async () => (await minioOf(config).keys(`${id}/`)).length, { timeout: 15_000 }).toBe(0);
    for (const table of ["files", "folders"]) {
      expect((await db.pool.query(`SELECT 1 FROM ${table} WHERE customer_id = $1`, [id])).rowCount, table).toBe(0);
    }
    expect(await minioOf(config).keys(`${other.id}/`)).toHaveLength(1);
  });
});
