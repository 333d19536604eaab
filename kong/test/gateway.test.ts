import { spawnSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { SignJWT, importPKCS8 } from "jose";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createGateway } from "../src/gateway.js";
import { KongConfigError, loadKongConfig, parseKongConfig, type PluginInstance } from "../src/kong-config.js";
import { importJwtKeys } from "../src/plugins/jwt.js";

/**
 * The gateway's own behaviour, against an upstream that reports what it received: the parts of
 * Kong a client cannot see (headers upstream, streaming, refusing what it does not implement).
 * The request table in e2e/ checks the same file against the running platform.
 */

const { privateKey, publicKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

type Received = { method: string; url: string; headers: IncomingMessage["headers"]; bytes: number };
const received: Received[] = [];
/** Called with each chunk as the upstream reads it; a test may wait on it. */
let onChunk: (chunk: Buffer) => void = () => undefined;
let slowDownload: { release: () => void } | undefined;

const upstream: Server = createServer((req, res) => {
  let bytes = 0;
  req.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
    onChunk(chunk);
  });
  req.on("end", () => {
    received.push({ method: req.method!, url: req.url!, headers: req.headers, bytes });
    if (req.url === "/stream-down") {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.write("first part;");
      slowDownload = { release: () => res.end("second part") };
      return;
    }
    if (req.url === "/slow") return void setTimeout(() => res.end("late"), 2000);
    res.writeHead(200, { "content-type": "application/json", connection: "keep-alive" });
    res.end(JSON.stringify({ url: req.url, bytes }));
  });
});

const kongFile = (upstreamPort: number) => ({
  _format_version: "1.1",
  services: [
    {
      name: "api",
      url: `http://upstream.test:${upstreamPort}`,
      read_timeout: 500,
      routes: [
        { name: "public", paths: ["/public"], strip_path: false },
        { name: "stripped", paths: ["/short"], strip_path: true },
        {
          name: "uploads",
          paths: ["/upload$"],
          methods: ["POST"],
          strip_path: false,
          plugins: [{ name: "request-size-limiting", config: { allowed_payload_size: 64, size_unit: "kilobytes" } }],
        },
        { name: "everything", paths: ["/"], strip_path: false },
      ],
    },
    {
      name: "protected",
      url: `http://upstream.test:${upstreamPort}/inner`,
      routes: [{ name: "protected", paths: ["/private"], strip_path: true }],
      plugins: [{ name: "jwt", config: { claims_to_verify: ["exp"], uri_param_names: [] } }],
    },
    {
      name: "nowhere",
      url: "http://down.test:9",
      connect_timeout: 1000,
      routes: [{ name: "nowhere", paths: ["/down"] }],
    },
  ],
  consumers: [
    {
      username: "customers",
      id: "6b0f7a7e-1d2c-4f4e-9a53-0c9a6f1e2d3b",
      jwt_secrets: [{ key: "coffer", algorithm: "RS256", rsa_public_key: publicKey, secret: "unused" }],
    },
  ],
  plugins: [
    { name: "correlation-id", config: { header_name: "X-Correlation-ID", generator: "uuid", echo_downstream: true } },
    { name: "rate-limiting", config: { second: 1000, minute: 3, policy: "local", limit_by: "ip" } },
    { name: "request-size-limiting", config: { allowed_payload_size: 1, size_unit: "kilobytes" } },
  ],
});

let gateway: Server;
let base: string;

beforeAll(async () => {
  upstream.listen(0, "127.0.0.1");
  await once(upstream, "listening");
  const upstreamPort = (upstream.address() as AddressInfo).port;
  const config = parseKongConfig(kongFile(upstreamPort));
  gateway = createGateway({
    config,
    jwtKeys: await importJwtKeys(config.credentials),
    logger: pino({ level: "silent" }),
    resolve: (t) =>
      t.host === "upstream.test" ? { host: "127.0.0.1", port: upstreamPort } : { host: "127.0.0.1", port: 9 },
    listenPort: 0,
  });
  gateway.listen(0, "127.0.0.1");
  await once(gateway, "listening");
  base = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
});

afterAll(async () => {
  gateway?.closeAllConnections();
  gateway?.close();
  upstream.closeAllConnections();
  upstream.close();
});

/** Each test speaks from its own loopback address, so the per-IP rate limits of one do not touch another. */
let nextAddress = 10;
function client() {
  const localAddress = `127.0.0.${nextAddress++}`;
  return (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    new Promise<{ status: number; headers: IncomingMessage["headers"]; body: string }>((resolve, reject) => {
      // The path as given, byte for byte: a URL would resolve its dot segments before sending.
      const req = request(base, { path, method: init.method ?? "GET", headers: init.headers, localAddress }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on("error", reject);
      req.end(init.body);
    });
}

const token = async (claims: { iss?: string; exp?: number }, key = privateKey) =>
  new SignJWT({})
    .setProtectedHeader({ alg: "RS256" })
    .setIssuer(claims.iss ?? "coffer")
    .setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 600)
    .setSubject("customer-1")
    .sign(await importPKCS8(key, "RS256"));

describe("the development gateway", () => {
  it("when kong.yml uses a plugin, field or entity it does not implement, then it refuses to start and says which", () => {
    const port = 1;
    const withPlugin = kongFile(port);
    withPlugin.plugins.push({ name: "acl", config: {} } as never);
    expect(() => parseKongConfig(withPlugin)).toThrow(/\/plugins\/3: plugin "acl" is not implemented/);

    const withField = kongFile(port);
    (withField.services[0]!.routes[0] as Record<string, unknown>).hosts = ["example.com"];
    expect(() => parseKongConfig(withField)).toThrow(KongConfigError);

    const withConfig = kongFile(port);
    withConfig.plugins[1]!.config = { minute: 3, policy: "cluster" } as never;
    expect(() => parseKongConfig(withConfig)).toThrow(/plugins\/1\/config\/policy/);
    withConfig.plugins[1]!.config = { minute: 3, policy: "redis" } as never;
    expect(() => parseKongConfig(withConfig)).toThrow(/plugins\/1\/config\/redis\/host/);
  });

  it("when it reads the committed kong/kong.yml, then every plugin is one it implements, and unrendered it will not serve", async () => {
    const root = new URL("../../", import.meta.url).pathname;
    expect(() => loadKongConfig(join(root, "kong/kong.yml"))).toThrow(/jwt_secrets/);

    const dir = mkdtempSync(join(tmpdir(), "kong-render-"));
    const rendered = spawnSync(
      process.execPath,
      [join(root, "kong/render-config.mjs"), "--keys-dir", join(dir, "keys"), "--out", join(dir, "kong.yml")],
      { encoding: "utf8", env: { ...process.env, CORS_ORIGINS: "https://app.example, https://admin.example" } },
    );
    expect(rendered.status, rendered.stderr).toBe(0);
    const config = loadKongConfig(join(dir, "kong.yml"));
    expect(await importJwtKeys(config.credentials)).toHaveProperty("size", 1);
    const cors = parse(readFileSync(join(dir, "kong.yml"), "utf8")).plugins.find(
      (p: { name: string }) => p.name === "cors",
    );
    expect(cors.config.origins).toEqual(["https://app.example", "https://admin.example"]);
    expect(config.routes.map((r) => r.name)).toContain("share-unlock");
    // Every rate limit counts in the Redis of REDIS_URL, shared by every gateway.
    const redisUrl = new URL(process.env.REDIS_URL!);
    const limits = config.routes.flatMap((r) => r.plugins.filter((p) => p.name === "rate-limiting"));
    expect(limits.length).toBeGreaterThan(0);
    for (const { config: limit } of limits as PluginInstance<"rate-limiting">[]) {
      expect(limit).toMatchObject({ policy: "redis", redis: { host: redisUrl.hostname, port: Number(redisUrl.port) } });
    }
  });

  it("when a route matches, then strip_path, methods and regex-before-prefix decide the upstream path", async () => {
    const get = client();
    expect(JSON.parse((await get("/short/a/b?x=1")).body).url).toBe("/a/b?x=1");
    expect(JSON.parse((await get("/public/file")).body).url).toBe("/public/file");
    // GET /upload is not the POST-only regex route: the catch-all takes it.
    expect((await get("/upload")).headers["x-ratelimit-limit-minute"]).toBe("3");
    const none = await client()("/down/x");
    expect(none.status).toBe(502);
    expect(JSON.parse(none.body)).toEqual({ message: "An invalid response was received from the upstream server" });
  });

  it("when a token is valid, then the consumer's headers go upstream in place of any the client forged; else Kong's 401s", async () => {
    const get = client();
    received.length = 0;
    const ok = await get("/private/me", {
      headers: {
        authorization: `Bearer ${await token({})}`,
        "x-consumer-username": "admin",
        "x-anonymous-consumer": "true",
      },
    });
    expect(ok.status).toBe(200);
    const seen = received.at(-1)!;
    expect(seen.url).toBe("/inner/me");
    expect(seen.headers).toMatchObject({
      "x-consumer-id": "6b0f7a7e-1d2c-4f4e-9a53-0c9a6f1e2d3b",
      "x-consumer-username": "customers",
      "x-credential-identifier": "coffer",
      "x-forwarded-for": expect.stringMatching(/^127\.0\.0\.\d+$/),
    });
    expect(seen.headers["x-anonymous-consumer"]).toBeUndefined();

    const other = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const cases: [Record<string, string>, number, unknown][] = [
      [{}, 401, { message: "Unauthorized" }],
      [{ authorization: "Bearer not-a-jwt" }, 401, { message: "Bad token; invalid JWT" }],
      [
        { authorization: `Bearer ${await token({ iss: "someone" })}` },
        401,
        { message: "No credentials found for given 'iss'" },
      ],
      [{ authorization: `Bearer ${await token({}, other.privateKey)}` }, 401, { message: "Invalid signature" }],
      [
        { authorization: `Bearer ${await token({ exp: Math.floor(Date.now() / 1000) - 5 })}` },
        401,
        { exp: "token expired" },
      ],
    ];
    for (const [headers, status, body] of cases) {
      const answer = await client()("/private/me", { headers });
      expect({ status: answer.status, body: JSON.parse(answer.body) }).toEqual({ status, body });
    }
  });

  it("when the minute's budget is spent, then 429 with Retry-After and the RateLimit headers counting down", async () => {
    const get = client();
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await get("/public/x"));
    // A window boundary may fall between the requests: then the last ones start a new count.
    if (answers[3]!.status === 200) return;
    expect(answers.map((a) => a.headers["ratelimit-remaining"])).toEqual(["2", "1", "0", "0"]);
    expect(answers[3]).toMatchObject({ status: 429, body: JSON.stringify({ message: "API rate limit exceeded" }) });
    expect(Number(answers[3]!.headers["retry-after"])).toBeGreaterThan(0);
    expect(answers[3]!.headers["x-ratelimit-limit-second"]).toBe("1000");
  });

  it("when a body is over the route's limit, then 413 before it reaches the upstream, declared or chunked", async () => {
    const post = client();
    const declared = await post("/public/x", {
      method: "POST",
      body: "x".repeat(2000),
      headers: { "content-type": "text/plain" },
    });
    expect(declared).toMatchObject({ status: 413, body: JSON.stringify({ message: "Request size limit exceeded" }) });

    received.length = 0;
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${base}/upload`,
        { method: "POST", localAddress: "127.0.0.99", headers: { "transfer-encoding": "chunked" } },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on("error", reject);
      const block = randomBytes(16 * 1024);
      let sent = 0;
      const push = () => {
        while (sent < 10) {
          sent += 1;
          if (!req.write(block)) return void req.once("drain", push);
        }
        req.end();
      };
      push();
    });
    expect(chunked).toBe(413);
    expect(received.filter((r) => r.url === "/upload")).toEqual([]);

    const allowed = await client()("/upload", { method: "POST", body: "y".repeat(60_000) });
    expect(JSON.parse(allowed.body)).toEqual({ url: "/upload", bytes: 60_000 });
  });

  it("when bodies are large or slow, then they stream both ways: nothing waits for the whole body", async () => {
    // Upload: the upstream reads the first chunk while the client still holds the rest back.
    const firstChunkArrived = new Promise<void>((resolve) => (onChunk = () => resolve()));
    const req = request(`${base}/upload`, {
      method: "POST",
      localAddress: "127.0.0.98",
      headers: { "content-length": "20" },
    });
    req.write("0123456789");
    await firstChunkArrived;
    onChunk = () => undefined;
    const answered = new Promise<string>((resolve) =>
      req.on("response", (res) => res.on("data", (c: Buffer) => resolve(c.toString()))),
    );
    req.end("abcdefghij");
    expect(JSON.parse(await answered)).toEqual({ url: "/upload", bytes: 20 });

    // Download: the client reads the first part while the upstream has not finished.
    const firstPart = await new Promise<{ res: IncomingMessage; text: string }>((resolve) => {
      request(`${base}/stream-down`, { localAddress: "127.0.0.97" }, (res) =>
        res.once("data", (c: Buffer) => resolve({ res, text: c.toString() })),
      ).end();
    });
    expect(firstPart.text).toBe("first part;");
    const rest = new Promise<string>((resolve) => firstPart.res.on("data", (c: Buffer) => resolve(c.toString())));
    slowDownload!.release();
    expect(await rest).toBe("second part");
  });

  it("when the upstream is slower than the service's read_timeout, then 504; the correlation id is kept or made", async () => {
    const get = client();
    const slow = await get("/slow", { headers: { "x-correlation-id": "given-id-1" } });
    expect(slow.status).toBe(504);
    expect(JSON.parse(slow.body)).toEqual({ message: "The upstream server is timing out" });
    expect(slow.headers["x-correlation-id"]).toBe("given-id-1");
    expect((await get("/public/y")).headers["x-correlation-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(received.find((r) => r.url === "/slow")!.headers["x-correlation-id"]).toBe("given-id-1");
  });
  it("when a path is spelled with encoded unreserved characters, dot segments or doubled slashes, then it is routed and forwarded as Kong normalizes it", async () => {
    const cases: [sent: string, upstream: string][] = [
      ["/public/%66%69le", "/public/file"],
      ["//public///x", "/public/x"],
      ["/public/a/./b/../c", "/public/a/c"],
      ["/down/../public/%2e%2E/public/y", "/public/y"],
      ["/short/%2e/a", "/a"],
      // Reserved characters stay encoded: an encoded slash never becomes a separator.
      ["/public/a%2fb/%3a", "/public/a%2Fb/%3A"],
      ["/public/%7e%41", "/public/~A"],
      // Decoded to match, encoded again to travel; the query goes as it came.
      ["/public/a%20b%c3%a9?q=a%20b&flag", "/public/a%20b%C3%A9?q=a%20b&flag"],
    ];
    for (const [sent, upstream] of cases) {
      const answer = await client()(sent); // the test's rate limit is 3 a minute per address
      expect({ sent, status: answer.status, url: JSON.parse(answer.body).url }).toEqual({
        sent,
        status: 200,
        url: upstream,
      });
    }
    // The route, and so its plugins, are chosen on the normalized path: the POST-only upload route
    // (64 KiB) takes `/%75pload`, where the catch-all (1 KiB) would refuse the body.
    const upload = await client()("/%75pl%6fad", { method: "POST", body: "y".repeat(60_000) });
    expect({ status: upload.status, body: JSON.parse(upload.body) }).toEqual({
      status: 200,
      body: { url: "/upload", bytes: 60_000 },
    });
  });

  it("when a request target cannot be normalized, then 400 as nginx answers it, and nothing reaches the upstream", async () => {
    const get = client();
    received.length = 0;
    for (const target of [
      "/..",
      "/public/../../x",
      "/public/%2e%2e/%2e%2e/x",
      "/public/%zz",
      "/public/%4",
      "/public/%00",
      "/public/a#b",
      "*",
    ]) {
      const answer = await get(target);
      expect({ target, status: answer.status, body: answer.body }).toEqual({
        target,
        status: 400,
        body: JSON.stringify({ message: "Bad request" }),
      });
    }
    expect(received).toEqual([]);
  });

  it("when a client sends its own X-Forwarded-For, then the gateway's rate limit still counts its real address, and the upstream sees that address last", async () => {
    const localAddress = `127.0.0.${nextAddress++}`;
    const send = (forged: string) =>
      new Promise<IncomingMessage>((resolve, reject) => {
        const req = request(
          base,
          { path: "/public/z", headers: { "x-forwarded-for": forged, "x-real-ip": forged }, localAddress },
          (res) => {
            res.resume();
            resolve(res);
          },
        );
        req.on("error", reject);
        req.end();
      });
    received.length = 0;
    const statuses = [];
    for (let i = 1; i <= 4; i += 1) statuses.push((await send(`203.0.113.${i}`)).statusCode);
    // A window boundary may fall between the requests: then the last ones start a new count.
    if (statuses[3] === 200) return;
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(received[0]!.headers).toMatchObject({
      "x-forwarded-for": `203.0.113.1, ${localAddress}`,
      "x-real-ip": localAddress,
    });
  });

  it("when requests carry tokens in their path or query, however spelled, then the gateway's log lines never contain them", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
        callback();
      },
    });
    const config = parseKongConfig(kongFile(1));
    const logged = createGateway({
      config,
      jwtKeys: await importJwtKeys(config.credentials),
      logger: pino({ level: "info" }, sink),
      resolve: () => ({ host: "127.0.0.1", port: 9 }),
      listenPort: 0,
    });
    logged.listen(0, "127.0.0.1");
    await once(logged, "listening");
    try {
      const secret = randomBytes(32).toString("base64url");
      const targets = [
        `/s/${secret}`,
        `/s/${secret}/content`,
        `//s/${secret}/unlock`,
        `/%73/${secret}`,
        `/x/../s/${secret}`,
        `/reset-password?token=${secret}`,
        `/verify-email?token=${secret}&next=/`,
        `/files?jwt=${secret}`,
        `/s/${secret}/%zz`,
      ];
      for (const path of targets) {
        await new Promise<void>((resolve, reject) => {
          const req = request(`http://127.0.0.1:${(logged.address() as AddressInfo).port}`, { path }, (res) => {
            res.resume();
            res.on("end", resolve);
          });
          req.on("error", reject);
          req.end();
        });
      }
      await expect.poll(() => lines.filter((l) => JSON.parse(l).msg === "request").length).toBe(targets.length);
      expect(lines.filter((l) => l.includes(secret))).toEqual([]);
      expect(lines.map((l) => JSON.parse(l).path)).toContain("/s/[redacted]/unlock");
    } finally {
      logged.closeAllConnections();
      logged.close();
    }
  });
});
