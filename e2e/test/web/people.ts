import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { createClient, someLoopbackAddress, verifyByMail, type Client } from "../support.js";
import { signInThroughPage } from "./web-app.js";

export type Person = { id: string; email: string; password: string; displayName: string; send: Client };

/**
 * A person with a verified account, made through the API (signing up in the browser has its own
 * test): for the tests of what a signed-in person does.
 */
export async function createPerson(gatewayUrl: string, displayName = "Sam"): Promise<Person> {
  const send = createClient(gatewayUrl, { localAddress: someLoopbackAddress() });
  const email = `web-${randomUUID()}@example.com`;
  const password = "a long and careful passphrase";
  const registered = await send("POST", "/auth/register", { json: { email, password, displayName } });
  expect(registered.status).toBe(201);
  await verifyByMail(send, email, password);
  return { id: registered.json<{ id: string }>().id, email, password, displayName, send };
}

/** The person's access token, from a login through the API (a session of its own). */
export async function logIn(person: Person): Promise<string> {
  const login = await person.send("POST", "/auth/login", { json: { email: person.email, password: person.password } });
  expect(login.status).toBe(200);
  return login.json<{ accessToken: string }>().accessToken;
}

/** Opens `path` of the app, signs in on the sign-in page it leads to, and waits for the signed-in layout. */
export async function signInAt(page: Page, appUrl: string, path: string, person: Person): Promise<void> {
  await page.goto(`${appUrl}/app/sign-in?next=${encodeURIComponent(path)}`);
  await signInThroughPage(page, person.email, person.password);
}

/** The operator's command that makes a person an admin, against the platform's customer database. */
export function grantAdmin(local: { mongoUrl: string; keysDir: string }, email: string): void {
  const cli = fileURLToPath(new URL("../../../customer-service/src/cli.ts", import.meta.url));
  const env = { ...process.env, MONGO_URL: local.mongoUrl, JWT_KEYS_DIR: local.keysDir };
  const run = spawnSync(process.execPath, ["--import", "tsx", cli, "grant-admin", email], { env, encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
}

/** Uploads `data` as a file named `name` in the root folder through the API; its id. */
export async function uploadFile(person: Person, token: string, name: string, data: Buffer): Promise<string> {
  const boundary = `----coffer${randomUUID()}`;
  const uploaded = await person.send("POST", "/files", {
    token,
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    body: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      data,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  });
  expect(uploaded.status).toBe(201);
  return uploaded.json<{ id: string }>().id;
}

/** The page as it is now, on a phone 360 px wide: nothing wider than the screen (tables scroll in their own box). */
export async function expectFitsPhone(page: Page): Promise<void> {
  const before = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 740 });
  try {
    await expect
      .poll(() => page.evaluate<number>("document.documentElement.scrollWidth - document.documentElement.clientWidth"))
      .toBe(0);
  } finally {
    if (before) await page.setViewportSize(before);
  }
}
