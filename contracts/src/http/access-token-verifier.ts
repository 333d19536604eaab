import { createRemoteJWKSet, jwtVerify } from "jose";

export type VerifiedCustomer = {
  customerId: string;
  roles: string[];
  sessionId: string;
  /** When the token expires (epoch ms): what a long-lived answer, such as a live stream, must not outlive. */
  expiresAt: number;
};

export type AccessTokenVerifier = (token: string) => Promise<VerifiedCustomer>;

/**
 * How every service checks an access token, even behind Kong: RS256 only (no `none`, no HMAC
 * keyed with the public key), signed by a key in customer-service's JWKS, with the expected
 * issuer and audience, not expired. The key set is fetched once and refreshed when an unknown
 * `kid` appears, so a key rotation needs no restart.
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
      requiredClaims: ["sub", "exp", "iat"],
    });
    return {
      customerId: payload.sub!,
      roles: Array.isArray(payload.roles) ? payload.roles.map(String) : [],
      sessionId: String(payload.sid ?? ""),
      expiresAt: payload.exp! * 1000,
    };
  };
}
