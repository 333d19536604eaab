import { BEARER_AUTH } from "@coffer/contracts/http";
import type { FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import Type from "typebox";

/** What a feature's customer routes are given: what its use-cases take, and the token check. */
export type CustomerRoutes<Deps> = { deps: Deps; authenticate: preHandlerAsyncHookHandler };

/** The customer asking, and the id their request's events carry. */
export const contextOf = (request: FastifyRequest) => ({
  customerId: request.verifiedCustomer.customerId,
  correlationId: request.id,
});

export const Uuid = Type.String({ format: "uuid" });

export const Binary = Type.String({ format: "binary" });

/** The document's grouping of a feature's routes, with the token they need. */
export const documented = (tag: string) => ({ tags: [tag], security: BEARER_AUTH });
