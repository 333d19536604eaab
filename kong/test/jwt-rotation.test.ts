import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT, calculateJwkThumbprint, exportJWK, importPKCS8 } from "jose";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway } from "../src/gateway.js";
import { loadKongConfig } from "../src/kong-config.js";
import { importJwtKeys } from "../src/plugins/jwt.js";

/**
 * A key rotation as kong.yml renders it: customer-service's key directory holds the old key and
 * the one just added (published, not signing yet), and the gateway accepts tokens of both.
 */

const root = new URL("../../", import.meta.url).pathname;
const newPem = () =>
  generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
const [oldPem, addedPem, strangerPem] = [newPem(), newPem(), newPem()];

/** A token as customer-service signs it: RS256 with the key's thumbprint as `kid`. */
async function tokenOf(pem: string) {
  const key = await importPKCS8(pem, "RS256", { extractable: true });
  const { kty, n, e } = await exportJWK(key);
  const kid = await calculateJwkThumbprint({ kty, n, e });
  return new SignJWT({ roles: ["user"] })
    .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
    .setIssuer("coffer")
    .setSubject("customer-1")
    .setExpirationTime("5m")
    .sign(key);
}

const upstream: Server = createServer((req, res) => res.end(JSON.stringify({ url: req.url })));
let gateway: Server;
let base: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "kong-rotation-"));
  const keysDir = join(dir, "keys");
  mkdirSync(keysDir);
  writeFileSync(join(keysDir, "2026-01-01T00-00-00-000Z.pem"), oldPem);
  writeFileSync(join(keysDir, "2026-02-01T00-00-00-000Z.pem"), addedPem);
  const rendered = spawnSync(
    process.execPath,
    [join(root, "kong/render-config.mjs"), "--keys-dir", keysDir, "--out", join(dir, "kong.yml")],
    { encoding: "utf8" },
  );
  expect(rendered.status, rendered.stderr).toBe(0);

  upstream.listen(0, "127.0.0.1");
  await once(upstream, "listening");
  const upstreamPort = (upstream.address() as AddressInfo).port;
  const config = loadKongConfig(join(dir, "kong.yml"));
  gateway = createGateway({
    config,
    jwtKeys: await importJwtKeys(config.credentials),
    logger: pino({ level: "silent" }),
    resolve: () => ({ host: "127.0.0.1", port: upstreamPort }),
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

describe("the gateway during a signing key rotation", () => {
  it("when tokens of the old and of the just-added key arrive, then both pass; a key it does not publish is refused", async () => {
    const get = async (pem: string) => {
      const answer = await fetch(`${base}/files`, { headers: { authorization: `Bearer ${await tokenOf(pem)}` } });
      return { status: answer.status, body: (await answer.json()) as unknown };
    };
    expect(await get(oldPem)).toEqual({ status: 200, body: { url: "/files" } });
    expect(await get(addedPem)).toEqual({ status: 200, body: { url: "/files" } });
    expect(await get(strangerPem)).toEqual({
      status: 401,
      body: { message: "No credentials found for given 'kid'" },
    });
  });
});
