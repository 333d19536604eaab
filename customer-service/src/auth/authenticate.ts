import type { FastifyReply, FastifyRequest } from "fastify";
import { Errors } from "../errors.js";
import type { AccessClaims, AccessTokens } from "../tokens/access-tokens.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by `authenticate` on protected routes. */
    customer: AccessClaims;
  }
}

/** A preHandler that requires a valid access token (`Authorization: Bearer …`). */
export function createAuthenticate(tokens: AccessTokens) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    const token = header?.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
    if (!token) throw Errors.unauthorized();
    try {
      request.customer = await tokens.verify(token);
    } catch {
      throw Errors.unauthorized("The access token is invalid or expired");
    }
  };
}

export async function requireAdmin(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (!request.customer?.roles.includes("admin")) throw Errors.forbidden();
}
