import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createAccessTokenVerifier } from "@coffer/contracts/http";
import type { FastifyInstance } from "fastify";
import { SignJWT, base64url, importPKCS8, type JWK } from "jose";
import { createHmac, createPublicKey as nodePublicKey } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "../src/tokens/signing-keys.js";
import {
  createEventTap,
  dropDatabase,
  type EventTap,
  registerVerifiedCustomer,
  startApp,
  testConfig,
} from "./support.js";

const config = testConfig();
let app: FastifyInstance;
let tap: EventTap;
let verify: ReturnType<typeof createAccessTokenVerifier>;
let baseUrl: string;

beforeAll(async () => {
  tap = await createEventTap(["customer.email-verification-requested.v1"]);
  app = await startApp(config);
  baseUrl = await app.listen({ host: "127.0.0.1", port: 0 });
  // Built exactly as file-service and notification-service build theirs.
  verify = createAccessTokenVerifier({
    jwksUrl: `${baseUrl}/.well-known/jwks.json`,
    issuer: "coffer",
    audience: "coffer-api",
  });
});
afterAll(async () => {
  await app?.close();
  await tap?.close();
  await dropDatabase(config);
});

const privateKeyPem = () => {
  const [newest] = readdirSync(config.jwt.keysDir)
    .filter((f) => f.endsWith(".pem"))
    .sort()
    .reverse();
  return readFileSync(join(config.jwt.keysDir, newest!), "utf8");
};

async function signed(claims: Record<string, unknown>, options: { kid: string; expiresIn?: string | number }) {
  const key = await importPKCS8(privateKeyPem(), "RS256");
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: options.kid })
    .setIssuer("coffer")
    .setAudience("coffer-api")
    .setSubject("someone")
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? "5m")
    .sign(key);
}

describe("access tokens, verified through the published JWKS", () => {
  it("when a token was issued at login, then a remote-JWKS verifier accepts it with its claims", async () => {
    const customer = await registerVerifiedCustomer(app, tap);
    expect(await verify(customer.accessToken)).toEqual({
      customerId: customer.id,
      roles: ["user"],
      sessionId: customer.refreshToken.split(".")[0],
      expiresAt: JSON.parse(Buffer.from(customer.accessToken.split(".")[1]!, "base64url").toString()).exp * 1000,
    });
    const jwks = (await (await fetch(`${baseUrl}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
    expect(jwks.keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", kid: expect.any(String) });
    expect(jwks.keys[0]).not.toHaveProperty("d"); // never the private part
  });

  it("when a token is tampered with, expired, unsigned, HMAC-signed with the public key, for another audience or names no session, then it is rejected", async () => {
    const customer = await registerVerifiedCustomer(app, tap);
    const [header, payload, signature] = customer.accessToken.split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
    const kid = JSON.parse(Buffer.from(header!, "base64url").toString()).kid;

    const tampered = [
      header,
      base64url.encode(JSON.stringify({ ...claims, sub: "someone-else", roles: ["admin"] })),
      signature,
    ].join(".");
    const expired = await signed(
      { roles: ["user"], sid: claims.sid },
      { kid, expiresIn: Math.floor(Date.now() / 1000) - 60 },
    );
    const sessionless = await signed({ roles: ["user"] }, { kid }); // nothing a revocation could name
    const none = [
      base64url.encode(JSON.stringify({ alg: "none", typ: "JWT", kid })),
      base64url.encode(JSON.stringify({ ...claims, roles: ["admin"] })),
      "",
    ].join(".");
    const publicPem = nodePublicKey(privateKeyPem()).export({ type: "spki", format: "pem" }).toString();
    const hsHeader = base64url.encode(JSON.stringify({ alg: "HS256", typ: "JWT", kid }));
    const hsPayload = base64url.encode(JSON.stringify({ ...claims, roles: ["admin"] }));
    const hs256 = `${hsHeader}.${hsPayload}.${createHmac("sha256", publicPem).update(`${hsHeader}.${hsPayload}`).digest("base64url")}`;
    const wrongAudience = await new SignJWT({ roles: ["user"], sid: claims.sid })
      .setProtectedHeader({ alg: "RS256", kid })
      .setIssuer("coffer")
      .setAudience("another-api")
      .setSubject(customer.id)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(await importPKCS8(privateKeyPem(), "RS256"));

    await expect(verify(tampered)).rejects.toMatchObject({ code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" });
    await expect(verify(expired)).rejects.toMatchObject({ code: "ERR_JWT_EXPIRED" });
    await expect(verify(sessionless)).rejects.toMatchObject({ code: "ERR_JWT_CLAIM_VALIDATION_FAILED", claim: "sid" });
    await expect(verify(none)).rejects.toThrow();
    await expect(verify(hs256)).rejects.toThrow();
    await expect(verify(wrongAudience)).rejects.toMatchObject({
      code: "ERR_JWT_CLAIM_VALIDATION_FAILED",
      claim: "aud",
    });
    for (const token of [tampered, expired, none, hs256, wrongAudience]) {
      const me = await app.inject({ url: "/customers/me", headers: { authorization: `Bearer ${token}` } });
      expect(me.statusCode).toBe(401);
    }
  });

  it("when a key is added, then it is published first and signs only after the delay, and tokens of both keys verify throughout", async () => {
    const rotating = testConfig({ JWT_KEY_ACTIVATION_DELAY_SECONDS: "8", JWT_KEYS_RELOAD_SECONDS: "1" });
    const instance = await startApp(rotating);
    try {
      const url = await instance.listen({ host: "127.0.0.1", port: 0 });
      // Built exactly as file-service and notification-service build theirs.
      const verifyHere = createAccessTokenVerifier({
        jwksUrl: `${url}/.well-known/jwks.json`,
        issuer: "coffer",
        audience: "coffer-api",
      });
      const customer = await registerVerifiedCustomer(instance, tap);
      const login = async () =>
        (
          await instance.inject({
            method: "POST",
            url: "/auth/login",
            payload: { email: customer.email, password: customer.password },
          })
        ).json().accessToken as string;
      const kidOf = (t: string) => JSON.parse(Buffer.from(t.split(".")[0]!, "base64url").toString()).kid as string;
      const jwks = async () => ((await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: JWK[] }).keys;
      const [oldKey] = await jwks();

      await generateSigningKey(rotating.jwt.keysDir);
      await expect.poll(async () => (await jwks()).length, { timeout: 5000 }).toBe(2);
      const newKey = (await jwks()).find((k) => k.kid !== oldKey!.kid)!;
      const published = await login();
      expect(kidOf(published)).toBe(oldKey!.kid);

      await expect.poll(async () => kidOf(await login()), { timeout: 20_000, interval: 500 }).toBe(newKey.kid);
      const signed = await login();
      for (const token of [customer.accessToken, published, signed]) {
        await expect(verifyHere(token)).resolves.toMatchObject({ customerId: customer.id });
        const me = await instance.inject({ url: "/customers/me", headers: { authorization: `Bearer ${token}` } });
        expect(me.statusCode).toBe(200);
      }
    } finally {
      await instance.close();
      await dropDatabase(rotating);
    }
  });
});
