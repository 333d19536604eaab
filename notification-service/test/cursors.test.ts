import { randomUUID } from "node:crypto";
import { createTestDatabase, createTokenIssuer } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { testConfig } from "./support.js";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let issuer: Awaited<ReturnType<typeof createTokenIssuer>>;
let app: FastifyInstance;

beforeAll(async () => {
  db = await createTestDatabase();
  issuer = await createTokenIssuer();
  app = await buildApp(testConfig({ DATABASE_URL: db.url, JWKS_URL: issuer.jwksUrl }));
});
afterAll(async () => {
  await app?.close();
  await issuer?.close();
  await db?.drop();
});

/** Cursors a client can forge: not an id, out of bigint's range, another list's kind of cursor. */
const FORGED = [
  "abc",
  "0",
  "-1",
  "1.5",
  "1e3",
  " 1",
  "01",
  "9223372036854775808",
  "99999999999999999999999",
  Buffer.from(JSON.stringify({ v: "a", id: randomUUID() })).toString("base64url"),
  "",
];

describe("list cursors", () => {
  it("when a forged cursor is sent to the inbox or the delivery log, then 400 INVALID_CURSOR, never a 500", async () => {
    const user = { authorization: `Bearer ${await issuer.token(randomUUID())}` };
    const admin = { authorization: `Bearer ${await issuer.token(randomUUID(), ["user", "admin"])}` };
    for (const cursor of FORGED) {
      for (const [path, headers] of [
        ["/notifications", user],
        ["/admin/deliveries", admin],
      ] as const) {
        const url = `${path}?cursor=${encodeURIComponent(cursor)}`;
        const response = await app.inject({ url, headers });
        expect({ url, status: response.statusCode, code: response.json().code }).toEqual({
          url,
          status: 400,
          code: "INVALID_CURSOR",
        });
      }
    }
    for (const [path, headers] of [
      ["/notifications", user],
      ["/admin/deliveries", admin],
    ] as const) {
      expect((await app.inject({ url: `${path}?cursor=123`, headers })).statusCode).toBe(200);
    }
  });
});
