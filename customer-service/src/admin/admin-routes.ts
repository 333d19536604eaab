import { BEARER_AUTH, requireAdmin } from "@coffer/contracts/http";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { preHandlerAsyncHookHandler } from "fastify";
import Type from "typebox";
import { errorResponses } from "../errors.js";
import { requestContext } from "../outgoing-events.js";
import { CustomerResponse } from "../schemas.js";
import { listCustomers, setDisabled, type AdminDeps } from "./admin-service.js";

const admin = { tags: ["admin"], security: BEARER_AUTH };

export const adminRoutes: FastifyPluginAsyncTypebox<{
  deps: AdminDeps;
  authenticate: preHandlerAsyncHookHandler;
}> = async (app, { deps, authenticate }) => {
  app.addHook("preHandler", authenticate);
  app.addHook("preHandler", requireAdmin);

  app.get(
    "/admin/customers",
    {
      schema: {
        ...admin,
        summary: "Customers in the order they registered, optionally by address prefix",
        querystring: Type.Object(
          {
            email: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
            cursor: Type.Optional(Type.String({ maxLength: 500 })),
            limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            customers: Type.Array(Type.Intersect([CustomerResponse, Type.Object({ disabled: Type.Boolean() })])),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses("VALIDATION_FAILED", "INVALID_CURSOR", "UNAUTHORIZED", "FORBIDDEN"),
        },
      },
    },
    async (request) => listCustomers(deps, request.query),
  );

  for (const action of ["disable", "enable"] as const) {
    app.post(
      `/admin/customers/:id/${action}`,
      {
        schema: {
          ...admin,
          summary:
            action === "disable"
              ? "Disable a customer: every session ends, logging in is refused"
              : "Enable a disabled customer again",
          params: Type.Object({ id: Type.String({ format: "uuid" }) }),
          response: {
            204: Type.Null(),
            ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "FORBIDDEN", "CUSTOMER_NOT_FOUND"),
          },
        },
      },
      async (request, reply) => {
        await setDisabled(deps, request.params.id, action === "disable", requestContext(request));
        return reply.code(204).send(null);
      },
    );
  }
};
