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
const config = testConfig({ ADMIN_EMAILS: `other@example.com, ${adminEmail.toUpperCase()}` });
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

describe("administration", () => {
  it("when an address is in ADMIN_EMAILS, then it registers as an admin; anyone else gets 403 on admin routes", async () => {
    const me = await app.inject({ url: "/customers/me", headers: admin.auth });
    expect(me.json().roles).toEqual(["user", "admin"]);
    const user = await registerVerifiedCustomer(app, tap);
    const refused = await app.inject({ url: "/admin/customers", headers: user.auth });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe("FORBIDDEN");
    expect((await app.inject({ url: "/admin/customers" })).statusCode).toBe(401);
  });

  it("when an admin lists customers, then pages follow the cursor and the search matches the start of the address", async () => {
    const tag = randomUUID().slice(0, 8);
    const created = [];
    for (let i = 0; i < 5; i += 1)
      created.push(await registerVerifiedCustomer(app, tap, { email: `list-${tag}-${i}@example.com` }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `email=LIST-${tag}&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await app.inject({ url: `/admin/customers?${query}`, headers: admin.auth });
      expect(page.statusCode).toBe(200);
      const body = page.json();
      expect(body.customers.length).toBeLessThanOrEqual(2);
      seen.push(...body.customers.map((c: { email: string }) => c.email));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(created.map((c) => c.email));

    const bad = await app.inject({ url: "/admin/customers?cursor=not-a-cursor", headers: admin.auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe("INVALID_CURSOR");
  });

  it("when an admin disables a customer, then their sessions end and login is 403 ACCOUNT_DISABLED until enabled again", async () => {
    const customer = await registerVerifiedCustomer(app, tap);
    const login = () =>
      app.inject({
        method: "POST",
        url: "/auth/login",
        payload: { email: customer.email, password: customer.password },
      });
    const disable = await app.inject({
      method: "POST",
      url: `/admin/customers/${customer.id}/disable`,
      headers: admin.auth,
    });
    expect(disable.statusCode).toBe(204);
    const refused = await login();
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe("ACCOUNT_DISABLED");
    const refresh = await app.inject({
      method: "POST",
      url: "/auth/refresh",
      payload: { refreshToken: customer.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
    expect((await app.inject({ url: "/customers/me", headers: customer.auth })).json().code).toBe("ACCOUNT_DISABLED");

    expect(
      (await app.inject({ method: "POST", url: `/admin/customers/${customer.id}/enable`, headers: admin.auth }))
        .statusCode,
    ).toBe(204);
    expect((await login()).statusCode).toBe(200);
    const unknown = await app.inject({
      method: "POST",
      url: `/admin/customers/${randomUUID()}/disable`,
      headers: admin.auth,
    });
    expect(unknown.statusCode).toBe(404);
  });
});

describe("the operator's grant-admin command", () => {
  it("when run for a registered address, then that customer is an admin from the next login; an unknown address exits 1", async () => {
    const { spawnSync } = await import("node:child_process");
    const cli = new URL("../src/cli.ts", import.meta.url).pathname;
    const env = { ...process.env, MONGO_URL: config.mongoUrl, JWT_KEYS_DIR: config.jwt.keysDir };
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", cli, ...args], { env, encoding: "utf8" });
    const customer = await registerVerifiedCustomer(app, tap);

    const granted = run("grant-admin", customer.email);
    expect(granted.status, granted.stderr).toBe(0);
    const login = await app.inject({
      method: "POST",
      url: "/auth/login",
      payload: { email: customer.email, password: customer.password },
    });
    const auth = { authorization: `Bearer ${login.json().accessToken}` };
    expect((await app.inject({ url: "/admin/customers", headers: auth })).statusCode).toBe(200);

    const unknown = run("grant-admin", `nobody-${randomUUID()}@example.com`);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("no customer with the address");
    expect(run("frobnicate").status).toBe(2);
  });
});
