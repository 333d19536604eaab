import { randomUUID } from "node:crypto";
import { SignJWT, createLocalJWKSet, jwtVerify } from "jose";
import type { SigningKeys } from "./signing-keys.js";

export type Role = "user" | "admin";
export type AccessClaims = { sub: string; roles: Role[]; sid: string };

export type AccessTokens = {
  ttlSeconds: number;
  issue(claims: AccessClaims): Promise<string>;
  /** Verifies as every other service does: RS256 only, issuer, audience and expiry checked. */
  verify(token: string): Promise<AccessClaims>;
};

export function createAccessTokens(
  keys: SigningKeys,
  options: { issuer: string; audience: string; ttlSeconds: number },
): AccessTokens {
  const jwks = createLocalJWKSet(keys.jwks);
  return {
    ttlSeconds: options.ttlSeconds,
    issue: ({ sub, roles, sid }) =>
      new SignJWT({ roles, sid })
        .setProtectedHeader({ alg: "RS256", kid: keys.current.kid, typ: "JWT" })
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setSubject(sub)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime(`${options.ttlSeconds}s`)
        .sign(keys.current.privateKey),
    async verify(token) {
      const { payload } = await jwtVerify(token, jwks, {
        algorithms: ["RS256"],
        issuer: options.issuer,
        audience: options.audience,
        requiredClaims: ["sub", "exp", "iat", "jti"],
      });
      const roles = Array.isArray(payload.roles)
        ? (payload.roles.filter((r) => r === "user" || r === "admin") as Role[])
        : [];
      return { sub: payload.sub!, roles, sid: String(payload.sid ?? "") };
    },
  };
}
