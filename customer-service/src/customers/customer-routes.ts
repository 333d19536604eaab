import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { preHandlerAsyncHookHandler } from "fastify";
import Type from "typebox";
import { CustomerResponse, DisplayName, Locale, Password, errors } from "../schemas.js";
import * as customers from "./customer-service.js";

const strictly = { additionalProperties: false };

export const customerRoutes: FastifyPluginAsyncTypebox<{
  customers: customers.CustomerDeps;
  authenticate: preHandlerAsyncHookHandler;
}> = async (app, opts) => {
  app.addHook("preHandler", opts.authenticate);
  const ctx = (request: { id: string }) => ({ correlationId: request.id });

  app.get("/customers/me", { schema: { response: { 200: CustomerResponse, ...errors(401, 403) } } }, async (request) =>
    customers.toPublic(await customers.getActiveCustomer(opts.customers, request.customer.sub)),
  );

  app.patch(
    "/customers/me",
    {
      schema: {
        body: Type.Object({ displayName: Type.Optional(DisplayName), locale: Type.Optional(Locale) }, strictly),
        response: { 200: CustomerResponse, ...errors(400, 401, 403) },
      },
    },
    async (request) => customers.updateProfile(opts.customers, request.customer.sub, request.body, ctx(request)),
  );

  app.post(
    "/customers/me/password",
    {
      schema: {
        body: Type.Object(
          { currentPassword: Type.String({ minLength: 1, maxLength: 128 }), newPassword: Password },
          strictly,
        ),
        response: { 204: Type.Null(), ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      await customers.changePassword(
        opts.customers,
        request.customer.sub,
        { ...request.body, keepSessionId: request.customer.sid },
        ctx(request),
      );
      return reply.code(204).send(null);
    },
  );

  app.delete(
    "/customers/me",
    {
      schema: {
        body: Type.Object({ password: Type.String({ minLength: 1, maxLength: 128 }) }, strictly),
        response: { 204: Type.Null(), ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      await customers.deleteAccount(opts.customers, request.customer.sub, request.body.password, ctx(request));
      return reply.code(204).send(null);
    },
  );
};
