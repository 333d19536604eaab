import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createEventTap,
  dropDatabase,
  type EventTap,
  registerVerifiedCustomer,
  startApp,
  testConfig,
} from "./support.js";

const adminEmail = `admin-${randomUUID()}@example.com`;
const config = testConfig({ ADMIN_EMAILS: adminEmail });
let app: FastifyInstance;
let tap: EventTap;
let admin: Awaited<ReturnType<typeof registerVerifiedCustomer>>;

beforeAll(async () => {
  tap = await createEventTap(["customer.email-verification-requested.v1"]);
  app = await startApp(config);
  admin = await registerVerifiedCustomer(app, tap, { email: adminEmail });
});
afterAll(async () => {
  await app?.close();
  await tap?.close();
  await dropDatabase(config);
});

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("list cursors", () => {
  it("when an admin sends a forged cursor (not base64, not JSON, wrong types, out of range, operators), then 400 INVALID_CURSOR", async () => {
    const id = randomUUID();
    const forged = [
      "%%%",
      Buffer.from("{").toString("base64url"),
      encode(null),
      encode([1]),
      encode("text"),
      encode({}),
      encode({ createdAt: "2026-01-01T00:00:00.000Z" }),
      encode({ createdAt: "2026-01-01T00:00:00.000Z", id: 7 }),
      encode({ createdAt: "2026-01-01T00:00:00.000Z", id: { $gt: "" } }),
      encode({ createdAt: { $gt: "" }, id }),
      encode({ createdAt: 1700000000000, id }),
      encode({ createdAt: "yesterday", id }),
      encode({ createdAt: "+275761-01-01T00:00:00.000Z", id }),
      encode({ createdAt: "2026-02-30T00:00:00.000Z", id }),
      encode({ createdAt: "2026-01-01T00:00:00.000Z", id: "x".repeat(300) }),
    ];
    for (const cursor of forged) {
      const response = await app.inject({
        url: `/admin/customers?cursor=${encodeURIComponent(cursor)}`,
        headers: admin.auth,
      });
      expect({ cursor, status: response.statusCode, code: response.json().code }).toEqual({
        cursor,
        status: 400,
        code: "INVALID_CURSOR",
      });
    }
  });
});
