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

/**
 * A preHandler that requires `Authorization: Bearer <access token>`, verified as in the verifier,
 * then checked against revocations on every request.
 */
export function createAuthenticate(verify: AccessTokenVerifier, check: AccessCheck) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    const token = header?.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
    if (!token) throw new AppError("UNAUTHORIZED", "Authentication required", { statusCode: 401 });
    let verified: VerifiedCustomer;
    try {
      verified = await verify(token);
    } catch {
      throw new AppError("UNAUTHORIZED", "The access token is invalid or expired", { statusCode: 401 });
    }
    request.verifiedCustomer = await check(verified);
  };
}

export async function requireAdmin(request: FastifyRequest): Promise<void> {
  if (!request.verifiedCustomer?.roles.includes("admin")) {
    throw new AppError("FORBIDDEN", "You are not allowed to do this", { statusCode: 403 });
  }
}
