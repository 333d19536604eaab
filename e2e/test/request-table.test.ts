import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { SignJWT, calculateJwkThumbprint, exportJWK, importPKCS8 } from "jose";
import { beforeAll, describe, expect, inject, it, vi } from "vitest";
import { RATE_LIMIT_CASES, REQUEST_CASES, type RequestCase, type TokenKind } from "./request-cases.js";
import { createClient, someLoopbackAddress, verifyByMail } from "./support.js";

const base = inject("gatewayUrl");
const local = inject("local");
const keysDir = local?.keysDir ?? process.env.JWT_KEYS_DIR;
const tokens = new Map<TokenKind, string>();
const customer = { email: `table-${randomUUID()}@example.com`, password: "correct horse battery staple" };

/** The `kid` customer-service gives a key: its RFC 7638 thumbprint. */
async function kidOf(pem: string) {
  const { kty, n, e } = await exportJWK(await importPKCS8(pem, "RS256", { extractable: true }));
  return calculateJwkThumbprint({ kty, n, e });
}

async function signed(options: { key: string; kid: string; iss: string; expiresIn: number }) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: ["user"] })
    .setProtectedHeader({ alg: "RS256", kid: options.kid })
    .setIssuer(options.iss)
    .setAudience("coffer-api")
    .setSubject(randomUUID())
    .setIssuedAt(now - 600)
    .setExpirationTime(now + options.expiresIn)
    .sign(await importPKCS8(options.key, "RS256"));
}

beforeAll(async () => {
  // A real customer's token, through the gateway like any client.
  const send = createClient(base, { localAddress: someLoopbackAddress() });
  const { email, password } = customer;
  expect((await send("POST", "/auth/register", { json: { email, password, displayName: "Table" } })).status).toBe(201);
  await verifyByMail(send, email, password);
  const login = await send("POST", "/auth/login", { json: { email, password } });
  expect(login.status).toBe(200);
  tokens.set("valid", login.json<{ accessToken: string }>().accessToken);

  const stranger = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
  if (!keysDir) throw new Error("set JWT_KEYS_DIR to customer-service's key directory to make these tokens");
  const newest = readdirSync(keysDir)
    .filter((f) => f.endsWith(".pem"))
    .sort()
    .at(-1)!;
  const key = readFileSync(join(keysDir, newest), "utf8");
  const kid = await kidOf(key);
  tokens.set("forged-signature", await signed({ key: stranger, kid, iss: "coffer", expiresIn: 600 }));
  tokens.set("unknown-key", await signed({ key: stranger, kid: await kidOf(stranger), iss: "coffer", expiresIn: 600 }));
  tokens.set("expired", await signed({ key, kid, iss: "coffer", expiresIn: -60 }));
});

function check(answer: Awaited<ReturnType<ReturnType<typeof createClient>>>, expected: RequestCase["expect"]) {
  expect(answer.status).toBe(expected.status);
  if (typeof expected.body === "string") expect(answer.body.toString()).toBe(expected.body);
  else if (expected.body !== undefined) expect(answer.json()).toMatchObject(expected.body as object);
  for (const [name, value] of Object.entries(expected.headers ?? {})) {
    if (value === null) expect(answer.headers[name], name).toBeUndefined();
    else if (value instanceof RegExp) expect(answer.headers[name], name).toMatch(value);
    else expect(answer.headers[name], name).toBe(value);
  }
}

describe(`the edge at ${base}`, () => {
  it.each(REQUEST_CASES.map((c) => ({ method: "GET", ...c })))("$name: $method $path → $expect.status", async (c) => {
    const send = createClient(base, { localAddress: someLoopbackAddress() });
    const token = c.token && c.token !== "none" ? tokens.get(c.token)! : undefined;
    const path = c.tokenInQuery && token ? `${c.path}?jwt=${token}` : c.path;
    const answer = await send(c.method, path, {
      headers: c.headers ?? {},
      ...(c.json !== undefined && { json: c.json }),
      ...(c.bodyBytes !== undefined && { body: Buffer.alloc(c.bodyBytes, "{") }),
      ...(token && !c.tokenInQuery && { token }),
    });
    check(answer, c.expect);
  });

  it.each(RATE_LIMIT_CASES)(
    "$name allows $perMinute a minute from one address, then 429 with Retry-After",
    async ({ perMinute, method, path, json }) => {
      let send = createClient(base, { localAddress: someLoopbackAddress() });
      // Windows are aligned to the clock: start in a fresh one when this one is about to end, from
      // another address (the service behind may count its own, longer window: the mail routes'
      // 5 in 15 minutes would refuse the sixth request from the same address).
      let first = await send(method, path, { json: json() });
      const reset = Number(first.headers["ratelimit-reset"]);
      if (reset < 10) {
        await new Promise((r) => setTimeout(r, (reset + 1) * 1000));
        send = createClient(base, { localAddress: someLoopbackAddress() });
        first = await send(method, path, { json: json() });
      }
      expect(first.headers["ratelimit-limit"]).toBe(String(perMinute));
      expect(first.headers["x-ratelimit-limit-minute"]).toBe(String(perMinute));
      const answers = [first];
      for (let i = 1; i <= perMinute; i += 1) answers.push(await send(method, path, { json: json() }));
      expect(answers.slice(0, perMinute).map((a) => a.status)).not.toContain(429);
      expect(answers.map((a) => a.headers["ratelimit-remaining"])).toEqual([
        ...Array.from({ length: perMinute }, (_, i) => String(perMinute - 1 - i)),
        "0",
      ]);
      const refused = answers.at(-1)!;
      check(refused, { status: 429, body: { message: "API rate limit exceeded" } });
      expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    },
  );
});

/** The address customer-service lists for a session opened by this login. */
async function sessionAddress(send: ReturnType<typeof createClient>, headers: Record<string, string>) {
  const login = await send("POST", "/auth/login", { headers, json: customer });
  expect(login.status).toBe(200);
  const token = login.json<{ accessToken: string }>().accessToken;
  const sessions = await send("GET", "/auth/sessions", { headers, token });
  return sessions.json<{ sessions: { current: boolean; ip: string }[] }>().sessions.find((s) => s.current)?.ip;
}

describe("the client's address", () => {
  const forged = { "x-forwarded-for": "1.2.3.4", "x-real-ip": "1.2.3.4" };

  it("when a client sends its own X-Forwarded-For through the gateway, then its session is listed from its real address", async () => {
    const address = someLoopbackAddress();
    const seen = await sessionAddress(createClient(base, { localAddress: address }), forged);
    expect(seen).not.toBe("1.2.3.4");
    if (new URL(base).hostname === "127.0.0.1") expect(seen).toBe(address);
  });

  it("when a client forges a new X-Forwarded-For for every request, then customer-service's per-address mail limit still counts one client", async () => {
    const send = createClient(base, { localAddress: someLoopbackAddress() });
    const statuses = [];
    for (let i = 1; i <= 6; i += 1) {
      const answer = await send("POST", "/auth/verify-email/resend", {
        headers: { "x-forwarded-for": `10.9.8.${i}` },
        json: { email: `nobody-${randomUUID()}@example.com` },
      });
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
  });

  it.skipIf(!local)(
    "when a request reaches customer-service straight from an address that is not the gateway's, then its X-Forwarded-For is ignored",
    async () => {
      const address = someLoopbackAddress();
      expect(await sessionAddress(createClient(local!.serviceUrls.customer, { localAddress: address }), forged)).toBe(
        address,
      );
    },
  );
});

describe("logs", () => {
  it.skipIf(!local)(
    "when requests carry tokens in their path or query, however spelled, then no process writes them to its log",
    async () => {
      const secret = randomBytes(32).toString("base64url");
      const run = randomUUID();
      const send = createClient(base, { localAddress: someLoopbackAddress() });
      const requests = [
        ["GET", `/s/${secret}`],
        ["GET", `/s/${secret}/content`],
        ["POST", `//s/${secret}//unlock`],
        ["GET", `/%73/${secret}`],
        ["GET", `/files/../s/${secret}`],
        ["GET", `/reset-password?token=${secret}`],
        ["GET", `/verify-email?token=${secret}&then=/`],
        ["GET", `/files?jwt=${secret}`],
        ["GET", `/files?jwt=${tokens.get("valid")}`],
        ["GET", `/s/${secret}/%zz`], // refused before any plugin: no correlation id
        ["GET", "/.well-known/jwks.json"],
      ] as const;
      for (const [i, [method, path]] of requests.entries()) {
        await send(method, path, {
          headers: { "x-correlation-id": `${run}-${i}` },
          ...(method === "POST" && { json: { password: "guess" } }),
        });
      }
      const gatewayLog = join(local!.logDir, "gateway.log");
      await vi.waitFor(
        () => {
          const text = readFileSync(gatewayLog, "utf8");
          expect(text).toContain(`"correlationId":"${run}-${requests.length - 1}"`);
        },
        { timeout: 10_000, interval: 100 },
      );
      const leaks = readdirSync(local!.logDir).flatMap((file) =>
        readFileSync(join(local!.logDir, file), "utf8")
          .split("\n")
          .filter((line) => line.includes(secret) || line.includes(tokens.get("valid")!))
          .map((line) => `${file}: ${line}`),
      );
      expect(leaks).toEqual([]);
      expect(readFileSync(gatewayLog, "utf8")).toContain('"path":"/s/[redacted]/unlock"');
    },
  );
});
