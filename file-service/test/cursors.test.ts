import { randomUUID } from "node:crypto";
import type { TokenIssuer } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFileService, type RunningFileService } from "./fixture.js";

let service: RunningFileService;
let issuer: TokenIssuer, app: FastifyInstance, base: string;

beforeAll(async () => {
  service = await startFileService();
  ({ issuer, app, base } = service);
});
afterAll(async () => {
  await service?.close();
});

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const uuid = randomUUID();

/** Cursors a client can forge: not base64, not JSON, not an object, wrong types, values no column holds. */
const FORGED: Record<string, string[]> = {
  any: [
    "%%%",
    "not-a-cursor",
    Buffer.from("{").toString("base64url"),
    encode(null),
    encode([1, 2]),
    encode("text"),
    encode(42),
    encode({}),
    encode({ v: "a" }),
    encode({ v: "a", id: "not-a-uuid" }),
    encode({ v: "a", id: 7 }),
    encode({ v: { nested: true }, id: uuid }),
    encode({ v: null, id: uuid }),
    encode({ v: true, id: uuid }),
  ],
  name: [encode({ v: 7, id: uuid }), encode({ v: "a\u0000b", id: uuid })],
  size: [
    encode({ v: "abc", id: uuid }),
    encode({ v: "12", id: uuid }),
    encode({ v: 1.5, id: uuid }),
    encode({ v: -1, id: uuid }),
    encode({ v: 1e30, id: uuid }),
    Buffer.from(`{"v":1e999,"id":"${uuid}"}`).toString("base64url"),
  ],
  updatedAt: [
    encode({ v: "yesterday", id: uuid }),
    encode({ v: 1700000000000, id: uuid }),
    encode({ v: "+275760-09-13T00:00:00.000Z", id: uuid }),
    encode({ v: "-271821-04-20T00:00:00.000Z", id: uuid }),
    encode({ v: "2026-02-30T00:00:00.000Z", id: uuid }),
    encode({ v: "0000-01-01T00:00:00.000Z", id: uuid }),
    encode({ v: "2026-01-01 00:00:00", id: uuid }),
  ],
};

describe("list cursors", () => {
  it("when a forged cursor is sent to the files list or a folder view, in any sort, then 400 INVALID_CURSOR, never a 500", async () => {
    const auth = { authorization: `Bearer ${await issuer.token(randomUUID())}` };
    for (const sort of ["name", "size", "updatedAt"] as const) {
      for (const cursor of [...FORGED.any!, ...FORGED[sort]!]) {
        for (const path of ["/files", "/folders/root"]) {
          const url = `${path}?sort=${sort}&cursor=${encodeURIComponent(cursor)}`;
          const response = await app.inject({ url, headers: auth });
          expect({ url, status: response.statusCode, code: response.json().code }).toEqual({
            url,
            status: 400,
            code: "INVALID_CURSOR",
          });
        }
      }
    }
  });

  it("when the cursor is the one the previous page returned, then the pages hold every file once, in order, in every sort and order", async () => {
    const auth = { authorization: `Bearer ${await issuer.token(randomUUID())}` };
    // Names, sizes and update times all in the same order.
    const ORDERED = ["a.txt", "bb.txt", "ccc.txt"];
    for (const name of ORDERED) {
      const form = new FormData();
      form.append("file", new Blob([name.repeat(10)], { type: "text/plain" }), name);
      const uploaded = await fetch(`${base}/files`, { method: "POST", headers: auth, body: form });
      expect(uploaded.status).toBe(201);
    }
    for (const sort of ["name", "size", "updatedAt"] as const) {
      for (const order of ["asc", "desc"] as const) {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const query: string = `sort=${sort}&order=${order}&limit=1${cursor ? `&cursor=${cursor}` : ""}`;
          const page = await app.inject({ url: `/files?${query}`, headers: auth });
          expect(page.statusCode).toBe(200);
          seen.push(...page.json().files.map((f: { name: string }) => f.name));
          cursor = page.json().nextCursor;
        } while (cursor && seen.length <= 3);
        expect({ sort, order, seen }).toEqual({
          sort,
          order,
          seen: order === "asc" ? ORDERED : [...ORDERED].reverse(),
        });
      }
    }
  });
});
