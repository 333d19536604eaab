import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { createClient, someLoopbackAddress, verifyByMail } from "../support.js";

const DIST = join(import.meta.dirname, "..", "..", "..", "web", "dist");
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".wasm": "application/wasm",
};

/**
 * Where the browser opens the web app: the gateway itself when it serves /app (the platform's web
 * server), else a stand-in on another port that serves web/dist and passes every other path to the
 * gateway, so the app still has one origin with the API. Build first: `npm run build -w web`.
 */
export function useWebApp(gatewayUrl: string): { url: () => string } {
  let base = gatewayUrl;
  let server: Server | undefined;
  beforeAll(async () => {
    if (!existsSync(join(DIST, "index.html"))) throw new Error("web/dist is missing: npm run build -w web");
    const served = await fetch(`${gatewayUrl}/app/`).catch(() => undefined);
    if (served?.ok && (await served.text()).includes('id="root"')) return;
    server = createServer((req, res) => {
      const path = new URL(req.url ?? "/", "http://app").pathname;
      if (path !== "/" && path !== "/app" && !path.startsWith("/app/")) {
        const upstream = new URL(req.url ?? "/", gatewayUrl);
        const forwarded = request(
          upstream,
          { method: req.method, headers: { ...req.headers, host: upstream.host } },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        forwarded.on("error", () => res.writeHead(502).end());
        req.pipe(forwarded);
        return;
      }
      const file = normalize(join(DIST, path.replace(/^\/app/, "")));
      const isAsset = file.startsWith(DIST) && existsSync(file) && statSync(file).isFile();
      const target = isAsset ? file : join(DIST, "index.html");
      res.writeHead(isAsset || path === "/" || path.startsWith("/app") ? 200 : 404, {
        "content-type": TYPES[extname(target)] ?? "application/octet-stream",
      });
      res.end(readFileSync(target));
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });
  return { url: () => base };
}

/** Signs in through the sign-in page and waits for the signed-in layout. */
export async function signInThroughPage(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect.poll(() => page.getByRole("button", { name: "Sign out" }).isVisible(), { timeout: 15_000 }).toBe(true);
}

/**
 * Drops files on the element as a person dragging them from the desktop does. The files reach the
 * page through a file input (Chromium reads them from disk; nothing goes through the test's memory)
 * and travel in the drop's DataTransfer.
 */
export async function dropFiles(page: Page, target: string, paths: string[]): Promise<void> {
  // The e2e project compiles without the DOM's types: what runs in the page is given as text.
  const input = await page.evaluateHandle(`(() => {
    const input = document.createElement("input");
    input.type = "file";
    input.multiple = true;
    input.hidden = true;
    input.id = "dropped-files";
    document.body.append(input);
    return input;
  })()`);
  await input.asElement()!.setInputFiles(paths);
  await page.evaluate(`(() => {
    const input = document.getElementById("dropped-files");
    const transfer = new DataTransfer();
    for (const file of input.files) transfer.items.add(file);
    input.remove();
    const zone = document.querySelector(${JSON.stringify(target)});
    for (const type of ["dragenter", "dragover", "drop"])
      zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
  })()`);
}

/** A person signed in through the API (what a test inspects the server with): their token and id. */
export async function apiSession(gatewayUrl: string, email: string, password: string) {
  const login = await fetch(`${gatewayUrl}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  expect(login.status).toBe(200);
  const { accessToken } = (await login.json()) as { accessToken: string };
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${gatewayUrl}${path}`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(response.status, path).toBe(200);
    return (await response.json()) as T;
  };
  const { id } = await get<{ id: string }>("/customers/me");
  return { id, accessToken, get };
}

/** A person with a verified address, registered through the API: for tests about something after sign-up. */
export async function verifiedPerson(gatewayUrl: string, prefix: string) {
  const email = `${prefix}-${randomUUID()}@example.com`;
  const password = "a long and careful passphrase";
  const send = createClient(gatewayUrl, { localAddress: someLoopbackAddress() });
  const registered = await send("POST", "/auth/register", { json: { email, password, displayName: "Sam" } });
  expect(registered.status).toBe(201);
  await verifyByMail(send, email, password);
  return { email, password };
}
