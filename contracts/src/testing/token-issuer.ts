import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { SignJWT, exportJWK, generateKeyPair } from "jose";

/**
 * Issues access tokens the way customer-service does (RS256, kid, iss, aud) and publishes the
 * JWKS over HTTP, so a service verifies them through its real remote-JWKS verifier.
 */
export async function createTokenIssuer() {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "RS256", use: "sig" };
  const server: Server = createServer((_, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    token: (customerId: string, roles: string[] = ["user"], sessionId: string = randomUUID()) =>
      new SignJWT({ roles, sid: sessionId })
        .setProtectedHeader({ alg: "RS256", kid: "test-key" })
        .setIssuer("coffer")
        .setAudience("coffer-api")
        .setSubject(customerId)
        .setIssuedAt()
        .setExpirationTime("10m")
        .sign(privateKey),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type TokenIssuer = Awaited<ReturnType<typeof createTokenIssuer>>;
