import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { preHandlerAsyncHookHandler } from "fastify";
import Type from "typebox";
import { requireAdmin } from "../auth/authenticate.js";
import type { Models } from "../customers/customer-model.js";
import { CustomerResponse, errors } from "../schemas.js";
import { listCustomers, setDisabled } from "./admin-service.js";

export const adminRoutes: FastifyPluginAsyncTypebox<{
  models: Models;
  authenticate: preHandlerAsyncHookHandler;
}> = async (app, opts) => {
  app.addHook("preHandler", opts.authenticate);
  app.addHook("preHandler", requireAdmin);

  app.get(
    "/admin/customers",
    {
      schema: {
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
          ...errors(400, 401, 403),
        },
      },
    },
    async (request) => listCustomers(opts.models, request.query),
  );

  for (const action of ["disable", "enable"] as const) {
    app.post(
      `/admin/customers/:id/${action}`,
      {
        schema: {
          params: Type.Object({ id: Type.String({ format: "uuid" }) }),
          response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        await setDisabled(opts.models, request.params.id, action === "disable");
        return reply.code(204).send(null);
      },
    );
  }
};
