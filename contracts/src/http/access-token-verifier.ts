import { createRemoteJWKSet, jwtVerify } from "jose";

export type VerifiedCustomer = {
  customerId: string;
  roles: string[];
  sessionId: string;
  /** When the token expires (epoch ms): what a long-lived answer, such as a live stream, must not outlive. */
  expiresAt: number;
};

export type AccessTokenVerifier = (token: string) => Promise<VerifiedCustomer>;

/** The longest life customer-service may give an access token: how long a revoked session must be remembered. */
export const MAX_ACCESS_TOKEN_TTL_SECONDS = 3600;

/**
 * How every service checks an access token, even behind Kong: RS256 only (no `none`, no HMAC
 * keyed with the public key), signed by a key in customer-service's JWKS, with the expected
 * issuer and audience, not expired, naming its session (`sid`, what a revocation names). The key
 * set is fetched once and refreshed when an unknown `kid` appears, so a key rotation needs no
 * restart.
 */
export function createAccessTokenVerifier(options: {
  jwksUrl: string;
  issuer: string;
  audience: string;
}): AccessTokenVerifier {
  const keys = createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 30_000, timeoutDuration: 5000 });
  return async (token) => {
    const { payload } = await jwtVerify(token, keys, {
      algorithms: ["RS256"],
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: ["sub", "exp", "iat", "sid"],
    });
    if (typeof payload.sid !== "string" || payload.sid === "") throw new Error("the token names no session");
    return {
      customerId: payload.sub!,
      roles: Array.isArray(payload.roles) ? payload.roles.map(String) : [],
      sessionId: payload.sid,
      expiresAt: payload.exp! * 1000,
    };
  };
}
