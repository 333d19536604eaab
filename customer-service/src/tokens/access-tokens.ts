import { randomUUID } from "node:crypto";
import type { VerifiedCustomer } from "@coffer/contracts/http";
import { SignJWT, createLocalJWKSet, jwtVerify } from "jose";
import type { SigningKeys } from "./signing-keys.js";

export type Role = "user" | "admin";

export type AccessTokens = {
  ttlSeconds: number;
  issue(claims: { customerId: string; roles: Role[]; sessionId: string }): Promise<string>;
  /** Verifies as every other service does: RS256 only, issuer, audience and expiry checked. */
  verify(token: string): Promise<VerifiedCustomer>;
};

export function createAccessTokens(
  keys: SigningKeys,
  options: { issuer: string; audience: string; ttlSeconds: number },
): AccessTokens {
  return {
    ttlSeconds: options.ttlSeconds,
    issue({ customerId, roles, sessionId }) {
      const key = keys.current();
      return new SignJWT({ roles, sid: sessionId })
        .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT" })
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setSubject(customerId)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime(`${options.ttlSeconds}s`)
        .sign(key.privateKey);
    },
    async verify(token) {
      const { payload } = await jwtVerify(token, createLocalJWKSet(keys.jwks()), {
        algorithms: ["RS256"],
        issuer: options.issuer,
        audience: options.audience,
        requiredClaims: ["sub", "exp", "iat", "jti"],
      });
      return {
        customerId: payload.sub!,
        roles: Array.isArray(payload.roles) ? payload.roles.filter((r) => r === "user" || r === "admin") : [],
        sessionId: String(payload.sid ?? ""),
        expiresAt: payload.exp! * 1000,
      };
    },
  };
}
