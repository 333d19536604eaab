import type { FastifyReply, FastifyRequest } from "fastify";
import type { Customer, Models, Session } from "../customers/customer-model.js";
import { Errors } from "../errors.js";
import type { AccessClaims, AccessTokens } from "../tokens/access-tokens.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by `authenticate` on protected routes. */
    customer: AccessClaims;
  }
}

/**
 * A preHandler that requires a valid access token (`Authorization: Bearer …`) whose session is
 * still live and whose customer is neither disabled nor deleted, read from this service's own
 * database on every request; the roles are the customer's roles now, not the token's.
 */
export function createAuthenticate(tokens: AccessTokens, models: Models) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    const token = header?.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
    if (!token) throw Errors.unauthorized();
    let claims: AccessClaims;
    try {
      claims = await tokens.verify(token);
    } catch {
      throw Errors.unauthorized("The access token is invalid or expired");
    }
    const customer = await models.Customer.findById(claims.sub)
      .select({ roles: 1, disabledAt: 1, deletedAt: 1 })
      .lean<Pick<Customer, "roles" | "disabledAt" | "deletedAt">>();
    if (!customer || customer.deletedAt) throw Errors.tokenRevoked("The account no longer exists");
    if (customer.disabledAt) throw Errors.accountDisabled();
    const session = await models.Session.findOne({ _id: claims.sid, customerId: claims.sub })
      .select({ revokedAt: 1 })
      .lean<Pick<Session, "revokedAt">>();
    if (!session || session.revokedAt) throw Errors.tokenRevoked();
    request.customer = { ...claims, roles: customer.roles };
  };
}

export async function requireAdmin(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (!request.customer?.roles.includes("admin")) throw Errors.forbidden();
}
