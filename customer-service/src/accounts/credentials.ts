import { createHash, randomBytes } from "node:crypto";
import argon2 from "argon2";

/** argon2id at OWASP's recommended minimum: 19 MiB, 2 passes, 1 lane. */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => argon2.hash(password, ARGON2_OPTIONS);

let dummyHash: Promise<string> | undefined;

/**
 * Verifies a password; without a hash (no such account) it verifies against a dummy hash, so the
 * answer takes as long whether or not the account exists.
 */
export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  if (!hash) {
    dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
    await argon2.verify(await dummyHash, password);
    return false;
  }
  return argon2.verify(hash, password);
}

/** A 256-bit random secret for links and refresh tokens, URL-safe. */
export const newSecret = () => randomBytes(32).toString("base64url");

/** Secrets this random need no slow hash; storing only the SHA-256 keeps a database dump useless. */
export const hashSecret = (secret: string) => createHash("sha256").update(secret).digest("hex");

export const normalizeEmail = (email: string) => email.trim().toLowerCase();
