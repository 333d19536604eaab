import { createHash } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { AppError } from "../errors.js";
import type { AccessTokenVerifier, VerifiedCustomer } from "./access-token-verifier.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The customer of a verified access token; set by the `authenticate` preHandler. */
    verifiedCustomer: VerifiedCustomer;
  }
}

/**
 * What a signature cannot say: whether the token's session was revoked, its customer disabled or
 * deleted, a role taken away since it was issued. Each service answers from what it knows (its
 * projection of customer-service's events, or customer-service's own database): it returns the
 * customer as they stand now (roles narrowed) or throws one of `AccessErrors`.
 */
export type AccessCheck = (customer: VerifiedCustomer) => Promise<VerifiedCustomer>;

export const AccessErrors = {
  tokenRevoked: (message = "This session has ended; log in again") =>
    new AppError("TOKEN_REVOKED", message, { statusCode: 401 }),
  accountDisabled: () => new AppError("ACCOUNT_DISABLED", "This account is disabled", { statusCode: 403 }),
};

/** How many verified tokens an instance remembers: about 2 MB, the active tokens of a busy instance. */
const VERIFIED_TOKENS_CACHED = 10_000;

/**
 * A preHandler that requires `Authorization: Bearer <access token>`, verified as in the verifier,
 * then checked against revocations on every request.
 *
 * A signature check costs more CPU than the rest of a small request, so a verified token is
 * remembered (by its SHA-256, least recently used dropped first) until it expires. Only the
 * signature's answer is kept: the access check still runs on every request, so a revoked
 * session is refused as soon as without the cache, and its token is then forgotten. Each
 * instance keeps its own: a token is valid or not whichever instance verifies it.
 */
export function createAuthenticate(
  verify: AccessTokenVerifier,
  check: AccessCheck,
  options: { cachedTokens?: number; now?: () => number } = {},
) {
  const verified = createVerifiedTokens(options.cachedTokens ?? VERIFIED_TOKENS_CACHED, options.now ?? Date.now);
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    const token = header?.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
    if (!token) throw new AppError("UNAUTHORIZED", "Authentication required", { statusCode: 401 });
    const key = createHash("sha256").update(token).digest("base64url");
    let customer = verified.get(key);
    if (!customer) {
      try {
        customer = await verify(token);
      } catch {
        throw new AppError("UNAUTHORIZED", "The access token is invalid or expired", { statusCode: 401 });
      }
      verified.set(key, customer);
    }
    try {
      request.verifiedCustomer = await check(customer);
    } catch (error) {
      verified.delete(key);
      throw error;
    }
  };
}

/** A bounded map of verified tokens that forgets each at its expiry; a hit becomes the most recent. */
function createVerifiedTokens(capacity: number, now: () => number) {
  const entries = new Map<string, VerifiedCustomer>();
  return {
    get(key: string): VerifiedCustomer | undefined {
      const customer = entries.get(key);
      if (!customer) return undefined;
      entries.delete(key);
      if (customer.expiresAt <= now()) return undefined;
      entries.set(key, customer);
      return customer;
    },
    set(key: string, customer: VerifiedCustomer): void {
      if (capacity === 0) return;
      if (entries.size >= capacity) entries.delete(entries.keys().next().value!);
      entries.set(key, customer);
    },
    delete: (key: string) => entries.delete(key),
  };
}

export async function requireAdmin(request: FastifyRequest): Promise<void> {
  if (!request.verifiedCustomer?.roles.includes("admin")) {
    throw new AppError("FORBIDDEN", "You are not allowed to do this", { statusCode: 403 });
  }
}
