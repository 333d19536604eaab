import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createEventTap, dropDatabase, type EventTap, testConfig, verificationTokenOf } from "./support.js";

const config = testConfig();
let child: ChildProcess;
let output = "";
let tap: EventTap;
let baseUrl: string;

beforeAll(async () => {
  tap = await createEventTap(["customer.email-verification-requested.v1"]);
  const main = new URL("../src/main.ts", import.meta.url).pathname;
  child = spawn(process.execPath, ["--import", "tsx", main], {
    env: {
      ...process.env,
      PORT: "0",
      LOG_LEVEL: "trace",
      MONGO_URL: config.mongoUrl,
      JWT_KEYS_DIR: config.jwt.keysDir,
    },
  });
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  baseUrl = await vi.waitFor(
    () => {
      const address = output.match(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
      if (!address) throw new Error("not listening yet");
      return address;
    },
    { timeout: 20_000 },
  );
});
afterAll(async () => {
  child?.kill("SIGTERM");
  if (child) await once(child, "exit");
  await tap?.close();
  await dropDatabase(config);
});

describe("customer-service logs", () => {
  it("when a customer registers, opens the verification page, verifies, logs in and refreshes with tracing on, then no password, token or hash is in any log line", async () => {
    const post = (path: string, body: object, headers: Record<string, string> = {}) =>
      fetch(`${baseUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
    const email = `logs-${randomUUID()}@example.com`;
    const password = "a very secret passphrase 42";
    const registered = (await (await post("/auth/register", { email, password, displayName: "Log" })).json()) as {
      id: string;
    };
    const verificationToken = await verificationTokenOf(tap, registered.id);
    // The mailed link, opened as a browser does: the token travels in the query string.
    const page = await fetch(`${baseUrl}/verify-email?token=${encodeURIComponent(verificationToken)}`);
    expect(page.status).toBe(200);
    expect((await post("/auth/verify-email", { token: verificationToken, password })).status).toBe(204);
    const login = (await (await post("/auth/login", { email, password })).json()) as {
      accessToken: string;
      refreshToken: string;
    };
    const refreshed = await post("/auth/refresh", {}, { cookie: `coffer_refresh=${login.refreshToken}` });
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as { refreshToken: string };
    await fetch(`${baseUrl}/customers/me`, { headers: { authorization: `Bearer ${login.accessToken}` } });
    await post("/auth/login", { email, password: "a wrong guess of the password" });

    await expect.poll(() => output).toContain("/customers/me");
    // The page's request is logged by its path alone: the query carries the token.
    expect(output).toContain('"url":"/verify-email"');
    for (const secret of [
      password,
      "a wrong guess",
      verificationToken,
      login.accessToken,
      login.refreshToken,
      next.refreshToken,
      "$argon2",
    ]) {
      expect(output.includes(secret), `a log line contains ${secret.slice(0, 12)}…`).toBe(false);
    }
  });
});
