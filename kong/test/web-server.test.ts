import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { request, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWebServer, CONTENT_SECURITY_POLICY } from "../../web/server/serve.mjs";
import { createGateway } from "../src/gateway.js";
import { loadKongConfig } from "../src/kong-config.js";
import { importJwtKeys } from "../src/plugins/jwt.js";
import { createRouter } from "../src/router.js";

/**
 * The web app as the gateway serves it: web/server/serve.mjs over a bundle shaped as Vite builds
 * it, and the committed kong.yml's `web` route in front of it (the API keeps every other path).
 */

const root = new URL("../../", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "web-server-"));
const dist = join(work, "dist");
const INDEX =
  '<!doctype html><html><head><script type="module" src="/app/assets/index-3f2a1b.js"></script></head></html>';
const SCRIPT = "document.title = 'Coffer';";
mkdirSync(join(dist, "assets"), { recursive: true });
writeFileSync(join(dist, "index.html"), INDEX);
writeFileSync(join(dist, "assets/index-3f2a1b.js"), SCRIPT);
writeFileSync(join(dist, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
writeFileSync(join(dist, ".env"), "SECRET=1");
// Large enough for precompress.mjs to write its .br and .gz copies.
const VENDOR = `export const words = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `word-${i}`))};`;
writeFileSync(join(dist, "assets/vendor-9c8d7e.js"), VENDOR);
// What a path climbing out of the bundle would reach.
writeFileSync(join(work, "outside.txt"), "outside the bundle");

type Answer = { status: number; headers: IncomingMessage["headers"]; body: string };

/** The path as given, byte for byte: fetch and URL would resolve its dot segments before sending. */
function send(base: string, path: string, method = "GET"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}`, { path, method }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

function expectSecurityHeaders(answer: Answer, path: string) {
  expect(
    {
      path,
      csp: answer.headers["content-security-policy"],
      nosniff: answer.headers["x-content-type-options"],
      referrer: answer.headers["referrer-policy"],
      frame: answer.headers["x-frame-options"],
    },
    path,
  ).toEqual({ path, csp: CONTENT_SECURITY_POLICY, nosniff: "nosniff", referrer: "no-referrer", frame: "DENY" });
}

let web: FastifyInstance;
let webBase: string;

beforeAll(async () => {
  const precompress = spawnSync(process.execPath, [join(root, "web/server/precompress.mjs"), dist], {
    encoding: "utf8",
  });
  expect(precompress.status, precompress.stderr).toBe(0);
  web = await buildWebServer({ dist, logLevel: "silent" });
  await web.listen({ port: 0, host: "127.0.0.1" });
  webBase = `http://127.0.0.1:${(web.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await web?.close();
});

describe("the web server (web/server/serve.mjs)", () => {
  it("when a page of the app is asked for, then index.html, revalidated on every load", async () => {
    for (const path of ["/", "/app", "/app/", "/app/folders/6b0f7a7e", "/app/shares?page=2", "/app/sign-in"]) {
      const answer = await send(webBase, path);
      expect({ path, status: answer.status, body: answer.body }).toEqual({ path, status: 200, body: INDEX });
      expect(answer.headers["content-type"], path).toBe("text/html; charset=utf-8");
      expect(answer.headers["cache-control"], path).toBe("no-cache");
      expectSecurityHeaders(answer, path);
    }
    const head = await send(webBase, "/app/usage", "HEAD");
    expect({ status: head.status, body: head.body, length: head.headers["content-length"] }).toEqual({
      status: 200,
      body: "",
      length: String(Buffer.byteLength(INDEX)),
    });
  });

  it("when a hashed asset is asked for, then it is cached for good; a file beside index.html is revalidated", async () => {
    const script = await send(webBase, "/app/assets/index-3f2a1b.js");
    expect({ status: script.status, body: script.body }).toEqual({ status: 200, body: SCRIPT });
    expect(script.headers["content-type"]).toMatch(/^(text|application)\/javascript/);
    expect(script.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expectSecurityHeaders(script, "/app/assets/index-3f2a1b.js");

    const icon = await send(webBase, "/app/favicon.svg");
    expect({ status: icon.status, type: icon.headers["content-type"], cache: icon.headers["cache-control"] }).toEqual({
      status: 200,
      type: "image/svg+xml",
      cache: "no-cache",
    });
  });

  it("when the client accepts Brotli or gzip, then the copies written at build time are sent, as the asset they stand for", async () => {
    const url = `${webBase}/app/assets/vendor-9c8d7e.js`;
    for (const encoding of ["br", "gzip"]) {
      const answer = await fetch(url, { headers: { "accept-encoding": encoding } });
      expect(answer.headers.get("content-encoding")).toBe(encoding);
      expect(Number(answer.headers.get("content-length"))).toBeLessThan(VENDOR.length / 2);
      expect(answer.headers.get("content-type")).toMatch(/^(text|application)\/javascript/);
      expect(answer.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(answer.headers.get("vary")).toMatch(/accept-encoding/i);
      expect(await answer.text()).toBe(VENDOR);
    }
    const identity = await fetch(url, { headers: { "accept-encoding": "identity" } });
    expect(identity.headers.get("content-encoding")).toBeNull();
    expect(await identity.text()).toBe(VENDOR);
  });

  it("when a path is not the app's, a missing asset, a directory, a dotfile or another method, then a 404 with the security headers", async () => {
    const cases: [method: string, path: string][] = [
      ["GET", "/files"],
      ["GET", "/index.html"],
      ["GET", "/apple"],
      // A missing asset is not a page: a stale script URL must not get HTML back.
      ["GET", "/app/assets/index-0000.js"],
      // No directory listing.
      ["GET", "/app/assets/"],
      ["GET", "/app/assets"],
      ["GET", "/app/.env"],
      ["POST", "/app/sign-in"],
      ["DELETE", "/"],
    ];
    for (const [method, path] of cases) {
      const answer = await send(webBase, path, method);
      expect({ method, path, status: answer.status, body: JSON.parse(answer.body) }).toEqual({
        method,
        path,
        status: 404,
        body: { code: "NOT_FOUND", message: "No such page or file" },
      });
      expectSecurityHeaders(answer, `${method} ${path}`);
    }
  });

  it("when a path climbs out of the bundle, however spelled, then nothing outside it is sent", async () => {
    for (const path of [
      "/app/../outside.txt",
      "/app/assets/../../outside.txt",
      "/app/%2e%2e/outside.txt",
      "/app/assets/%2e%2e%2f%2e%2e%2foutside.txt",
      "/app/..%5coutside.txt",
      "/app/%252e%252e/outside.txt",
    ]) {
      const answer = await send(webBase, path);
      expect(answer.body, path).not.toContain("outside the bundle");
      // Refused, or a path of the app (its index.html): never the file.
      expect([404, 200], path).toContain(answer.status);
      if (answer.status === 200) expect(answer.body, path).toBe(INDEX);
      expectSecurityHeaders(answer, path);
    }
  });

  it("when asked for /healthz, then 200; with no bundle built, it refuses to start and says how to build it", async () => {
    const health = await send(webBase, "/healthz");
    expect({ status: health.status, body: JSON.parse(health.body) }).toEqual({ status: 200, body: { status: "ok" } });
    await expect(buildWebServer({ dist: join(work, "nothing"), logLevel: "silent" })).rejects.toThrow(
      /index\.html is missing: build the web app first \(npm run build -w web\)/,
    );
  });
});

/** kong/kong.yml as render-config.mjs writes it for a running platform (the template has placeholders). */
function renderKongConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), "kong-web-"));
  const rendered = spawnSync(
    process.execPath,
    [join(root, "kong/render-config.mjs"), "--keys-dir", join(dir, "keys"), "--out", join(dir, "kong.yml")],
    { encoding: "utf8" },
  );
  if (rendered.status !== 0) throw new Error(`render-config.mjs failed: ${rendered.stderr}`);
  return join(dir, "kong.yml");
}

describe("the gateway's web route (kong/kong.yml)", () => {
  const renderedConfig = renderKongConfig();
  const route = createRouter(loadKongConfig(renderedConfig).routes);
  const routeOf = (method: string, path: string) => route(method, path)?.route.name;

  it("when a path is `/` exactly or under /app, then the web service has it, for GET and HEAD only", () => {
    expect(routeOf("GET", "/")).toBe("web");
    expect(routeOf("HEAD", "/")).toBe("web");
    expect(routeOf("GET", "/app")).toBe("web");
    expect(routeOf("GET", "/app/")).toBe("web");
    expect(routeOf("GET", "/app/folders/x")).toBe("web");
    expect(routeOf("GET", "/app/assets/index-3f2a1b.js")).toBe("web");
    expect(route("GET", "/app/x")?.upstreamPath).toBe("/app/x");
    expect(routeOf("POST", "/")).toBeUndefined();
    expect(routeOf("PUT", "/app/x")).toBeUndefined();
  });

  it("when a path is the API's or no one's, then it is routed as before", () => {
    expect(routeOf("GET", "/files")).toBe("file-api");
    expect(routeOf("GET", "/files/123/content")).toBe("file-api");
    expect(routeOf("GET", "/s/token")).toBe("share-links");
    expect(routeOf("GET", "/verify-email")).toBe("account-pages");
    expect(routeOf("GET", "/nowhere")).toBeUndefined();
    expect(routeOf("GET", "/apple")).toBeUndefined();
    expect(routeOf("GET", "/x/app")).toBeUndefined();
  });

  it("when the rendered kong.yml is served, then `/` and /app/… come from the web server with its headers, and the API's paths do not", async () => {
    const config = loadKongConfig(renderedConfig);
    const webPort = (web.server.address() as AddressInfo).port;
    const gateway = createGateway({
      config,
      jwtKeys: await importJwtKeys(config.credentials),
      logger: pino({ level: "silent" }),
      // Only the web server is running: any other service is a closed port.
      resolve: (target) => ({ host: "127.0.0.1", port: target.host === "web" ? webPort : 9 }),
      listenPort: 0,
    });
    gateway.listen(0, "127.0.0.1");
    await new Promise((resolve) => gateway.once("listening", resolve));
    const base = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    try {
      for (const path of ["/", "/app", "/app/trash"]) {
        const page = await send(base, path);
        expect({ path, status: page.status, body: page.body }).toEqual({ path, status: 200, body: INDEX });
        expectSecurityHeaders(page, path);
        expect(page.headers["x-correlation-id"], path).toBeTruthy();
        expect(page.headers["x-ratelimit-limit-minute"], path).toBe("1200");
      }
      const asset = await send(base, "/app/assets/index-3f2a1b.js");
      expect({ status: asset.status, cache: asset.headers["cache-control"] }).toEqual({
        status: 200,
        cache: "public, max-age=31536000, immutable",
      });
      // The API's routes are untouched: /files still needs a token (Kong's jwt plugin answers).
      const files = await send(base, "/files");
      expect({ status: files.status, body: JSON.parse(files.body) }).toEqual({
        status: 401,
        body: { message: "Unauthorized" },
      });
      for (const [method, path] of [
        ["GET", "/nowhere"],
        ["GET", "/apple"],
        ["POST", "/"],
      ] as const) {
        const none = await send(base, path, method);
        expect({ method, path, status: none.status, body: JSON.parse(none.body) }).toEqual({
          method,
          path,
          status: 404,
          body: { message: "no Route matched with those values" },
        });
      }
    } finally {
      gateway.closeAllConnections();
      gateway.close();
    }
  });
});
