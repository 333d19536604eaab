import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createAccessTokenVerifier,
  createAuthenticate,
  createServerOptions,
  registerHttpConventions,
  type AccessTokenVerifier,
} from "../src/http/index.js";
import { PG_ACCESS_TABLES_SQL } from "../src/pg/access-projection.js";
import { createPgAccessCheck, recordRevokedSession } from "../src/pg/index.js";
import { createTestDatabase, createTokenIssuer, type TestDatabase, type TokenIssuer } from "../src/testing/index.js";

let db: TestDatabase, issuer: TokenIssuer;

beforeAll(async () => {
  [db, issuer] = await Promise.all([createTestDatabase({ sql: PG_ACCESS_TABLES_SQL }), createTokenIssuer()]);
});
afterAll(async () => {
  await db?.drop();
  await issuer?.close();
});

/** An app whose one route needs a token, and how many signatures its verifier has checked. */
async function appWith(options: { cachedTokens?: number; now?: () => number } = {}) {
  const verifier = createAccessTokenVerifier({ jwksUrl: issuer.jwksUrl, issuer: "coffer", audience: "coffer-api" });
  const counted = { signatures: 0 };
  const verify: AccessTokenVerifier = (token) => {
    counted.signatures += 1;
    return verifier(token);
  };
  const app: FastifyInstance = Fastify(
    createServerOptions({ service: "test", logLevel: "silent", trustedProxies: [] }),
  );
  registerHttpConventions(app);
  app.get(
    "/me",
    { preHandler: createAuthenticate(verify, createPgAccessCheck(db.pool), options) },
    async (request) => ({ customerId: request.verifiedCustomer.customerId }),
  );
  await app.ready();
  return { app, counted };
}

const asCustomer = async (sessionId = randomUUID()) => {
  const customerId = randomUUID();
  return {
    customerId,
    sessionId,
    headers: { authorization: `Bearer ${await issuer.token(customerId, ["user"], sessionId)}` },
  };
};

describe("authenticate: verified tokens are remembered, access is checked every time", () => {
  it("when a token comes again, then its signature is not checked again and the answer is the same", async () => {
    const { app, counted } = await appWith();
    const customer = await asCustomer();
    for (let i = 0; i < 3; i += 1) {
      const response = await app.inject({ url: "/me", headers: customer.headers });
      expect(response.json()).toEqual({ customerId: customer.customerId });
    }
    expect(counted.signatures).toBe(1);
    await app.close();
  });

  it("when the session of a remembered token is revoked, then the next request is refused and the token forgotten", async () => {
    const { app, counted } = await appWith();
    const customer = await asCustomer();
    expect((await app.inject({ url: "/me", headers: customer.headers })).statusCode).toBe(200);
    await recordRevokedSession(db.pool, { ...customer, revokedAt: new Date() });
    const refused = await app.inject({ url: "/me", headers: customer.headers });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toEqual({ code: "TOKEN_REVOKED", message: "This session has ended; log in again" });
    expect((await app.inject({ url: "/me", headers: customer.headers })).json().code).toBe("TOKEN_REVOKED");
    expect(counted.signatures).toBe(2);
    await app.close();
  });

  it("when a remembered token's expiry passes, then its signature is checked again (and the verifier judges its expiry)", async () => {
    let now = Date.now();
    const { app, counted } = await appWith({ now: () => now });
    const customer = await asCustomer();
    expect((await app.inject({ url: "/me", headers: customer.headers })).statusCode).toBe(200);
    // The issuer's tokens live ten minutes; the verifier's own clock is real, so only the cache moves on.
    now += 11 * 60_000;
    expect((await app.inject({ url: "/me", headers: customer.headers })).statusCode).toBe(200);
    expect(counted.signatures).toBe(2);
    await app.close();
  });

  it("when more tokens come than it holds, then the least recently used is verified again", async () => {
    const { app, counted } = await appWith({ cachedTokens: 2 });
    const [a, b, c] = await Promise.all([asCustomer(), asCustomer(), asCustomer()]);
    for (const customer of [a!, b!, a!, c!, a!, b!]) {
      expect((await app.inject({ url: "/me", headers: customer.headers })).statusCode).toBe(200);
    }
    // a, b, (a hit), c evicts b, (a hit), b again evicts c
    expect(counted.signatures).toBe(4);
    await app.close();
  });

  it("when a token is forged or malformed, then it is refused every time and nothing is remembered", async () => {
    const { app, counted } = await appWith();
    const customer = await asCustomer();
    const forged = { authorization: `${customer.headers.authorization.slice(0, -4)}AAAA` };
    for (let i = 0; i < 2; i += 1) {
      const response = await app.inject({ url: "/me", headers: forged });
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe("UNAUTHORIZED");
    }
    expect(counted.signatures).toBe(2);
    await app.close();
  });
});
