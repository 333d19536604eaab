import type { FastifyRequest } from "fastify";
import { AppError } from "../errors.js";
import type { AccessTokenVerifier, VerifiedCustomer } from "./access-token-verifier.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The customer of a verified access token; set by the `authenticate` preHandler. */
    verifiedCustomer: VerifiedCustomer;
  }
}

/** A preHandler that requires `Authorization: Bearer <access token>`, verified as in the verifier. */
export function createAuthenticate(verify: AccessTokenVerifier) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    const token = header?.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
    if (!token) throw new AppError("UNAUTHORIZED", "Authentication required", { statusCode: 401 });
    try {
      request.verifiedCustomer = await verify(token);
    } catch {
      throw new AppError("UNAUTHORIZED", "The access token is invalid or expired", { statusCode: 401 });
    }
  };
}

export async function requireAdmin(request: FastifyRequest): Promise<void> {
  if (!request.verifiedCustomer?.roles.includes("admin")) {
    throw new AppError("FORBIDDEN", "You are not allowed to do this", { statusCode: 403 });
  }
}
