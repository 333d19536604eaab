import { spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { describe, expect, inject, it, vi } from "vitest";
import { createClient, someLoopbackAddress, type Client, verifyByMail } from "./support.js";

const base = inject("gatewayUrl");
const local = inject("local");

type Tokens = { accessToken: string; refreshToken: string };

async function signUp(send: Client) {
  const email = `lifecycle-${randomUUID()}@example.com`;
  const password = "a long and careful passphrase";
  const registered = await send("POST", "/auth/register", { json: { email, password, displayName: "Lee" } });
  expect(registered.status).toBe(201);
  await verifyByMail(send, email, password);
  const logIn = async () => {
    const login = await send("POST", "/auth/login", { json: { email, password } });
    expect(login.status).toBe(200);
    return login.json<Tokens>();
  };
  return { id: registered.json<{ id: string }>().id, email, password, logIn };
}

/** The operator's command, against the platform's customer database. */
function grantAdmin(email: string) {
  const cli = fileURLToPath(new URL("../../customer-service/src/cli.ts", import.meta.url));
  const env = { ...process.env, MONGO_URL: local!.mongoUrl, JWT_KEYS_DIR: local!.keysDir };
  const run = spawnSync(process.execPath, ["--import", "tsx", cli, "grant-admin", email], { env, encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
}

const answer = async (request: Promise<{ status: number; json<T>(): T }>) => {
  const response = await request;
  return response.status < 300
    ? String(response.status)
    : `${response.status} ${response.json<{ code: string }>().code}`;
};

/** Until what the gateway answers becomes `expected`: the services learn it from the events. */
const until = (expected: string, ask: () => Promise<{ status: number; json<T>(): T }>) =>
  vi.waitFor(async () => expect(await answer(ask())).toBe(expected), { timeout: 30_000, interval: 200 });

function upload(send: Client, token: string) {
  const boundary = `----coffer${randomUUID()}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="minutes.txt"\r\n\r\n`),
    randomBytes(2000),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return send("POST", "/files", {
    token,
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    body,
  });
}

describe.skipIf(local === null)("an account's end through the gateway", () => {
  it("when an admin disables an owner, then their link answers 410 SHARE_UNAVAILABLE and their token 403, until enabled; the token of the ended session stays refused", async () => {
    const send = createClient(base, { localAddress: someLoopbackAddress() });
    const owner = await signUp(send);
    const admin = await signUp(send);
    grantAdmin(admin.email);
    const adminTokens = await admin.logIn();
    const tokens = await owner.logIn();
    const file = await upload(send, tokens.accessToken);
    expect(file.status).toBe(201);
    const shared = await send("POST", `/files/${file.json<{ id: string }>().id}/shares`, {
      token: tokens.accessToken,
      json: {},
    });
    const link = new URL(shared.json<{ url: string }>().url).pathname;
    expect(await answer(send("GET", link))).toBe("200");

    const disable = send("POST", `/admin/customers/${owner.id}/disable`, { token: adminTokens.accessToken });
    expect(await answer(disable)).toBe("204");
    await until("410 SHARE_UNAVAILABLE", () => send("GET", link));
    expect(await answer(send("GET", `${link}/content`))).toBe("410 SHARE_UNAVAILABLE");
    expect(await answer(send("GET", "/files", { token: tokens.accessToken }))).toBe("403 ACCOUNT_DISABLED");
    await until("403 ACCOUNT_DISABLED", () => send("GET", "/notifications", { token: tokens.accessToken }));

    expect(await answer(send("POST", `/admin/customers/${owner.id}/enable`, { token: adminTokens.accessToken }))).toBe(
      "204",
    );
    await until("200", () => send("GET", `${link}/content`));
    // Disabling ended the owner's sessions: enabling the account does not bring their tokens back.
    expect(await answer(send("GET", "/files", { token: tokens.accessToken }))).toBe("401 TOKEN_REVOKED");
    expect(await answer(send("GET", "/files", { token: (await owner.logIn()).accessToken }))).toBe("200");
  });

  it("when a customer logs out, then every service refuses that session's access token; once deleted, their token creates nothing again", async () => {
    const send = createClient(base, { localAddress: someLoopbackAddress() });
    const customer = await signUp(send);
    const loggedOut = await customer.logIn();
    expect(await answer(send("GET", "/files", { token: loggedOut.accessToken }))).toBe("200");
    expect(await answer(send("POST", "/auth/logout", { json: { refreshToken: loggedOut.refreshToken } }))).toBe("204");
    expect(await answer(send("GET", "/customers/me", { token: loggedOut.accessToken }))).toBe("401 TOKEN_REVOKED");
    await until("401 TOKEN_REVOKED", () => send("GET", "/files", { token: loggedOut.accessToken }));
    await until("401 TOKEN_REVOKED", () => send("GET", "/notifications", { token: loggedOut.accessToken }));

    const tokens = await customer.logIn();
    expect((await upload(send, tokens.accessToken)).status).toBe(201);
    const deleted = send("DELETE", "/customers/me", {
      token: tokens.accessToken,
      json: { password: customer.password },
    });
    expect(await answer(deleted)).toBe("204");
    const files = new pg.Pool({ connectionString: local!.fileDatabaseUrl });
    try {
      const rows = async () =>
        (await files.query("SELECT 1 FROM customers WHERE id = $1", [customer.id])).rowCount ?? 0;
      await vi.waitFor(async () => expect(await rows()).toBe(0), { timeout: 30_000, interval: 200 });
      expect(await answer(upload(send, tokens.accessToken))).toBe("401 TOKEN_REVOKED");
      expect(await answer(send("POST", "/folders", { token: tokens.accessToken, json: { name: "Back" } }))).toBe(
        "401 TOKEN_REVOKED",
      );
      expect(await rows()).toBe(0);
    } finally {
      await files.end();
    }
  });
});
