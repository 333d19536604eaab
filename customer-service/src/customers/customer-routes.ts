import { BEARER_AUTH } from "@coffer/contracts";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { preHandlerAsyncHookHandler } from "fastify";
import Type from "typebox";
import { errorResponses } from "../errors.js";
import { CustomerResponse, DisplayName, Locale, Password } from "../schemas.js";
import * as customers from "./customer-service.js";

const strictly = { additionalProperties: false };
const customer = { tags: ["customers"], security: BEARER_AUTH };

export const customerRoutes: FastifyPluginAsyncTypebox<{
  customers: customers.CustomerDeps;
  authenticate: preHandlerAsyncHookHandler;
}> = async (app, opts) => {
  app.addHook("preHandler", opts.authenticate);
  const ctx = (request: { id: string }) => ({ correlationId: request.id });

  app.get(
    "/customers/me",
    {
      schema: {
        ...customer,
        summary: "The customer's own account",
        response: { 200: CustomerResponse, ...errorResponses("UNAUTHORIZED", "ACCOUNT_DISABLED") },
      },
    },
    async (request) => customers.toPublic(await customers.getActiveCustomer(opts.customers, request.customer.sub)),
  );

  app.patch(
    "/customers/me",
    {
      schema: {
        ...customer,
        summary: "Change the display name or locale",
        body: Type.Object({ displayName: Type.Optional(DisplayName), locale: Type.Optional(Locale) }, strictly),
        response: {
          200: CustomerResponse,
          ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "ACCOUNT_DISABLED"),
        },
      },
    },
    async (request) => customers.updateProfile(opts.customers, request.customer.sub, request.body, ctx(request)),
  );

  app.post(
    "/customers/me/password",
    {
      schema: {
        ...customer,
        summary: "Change the password; every other session ends",
        body: Type.Object(
          { currentPassword: Type.String({ minLength: 1, maxLength: 128 }), newPassword: Password },
          strictly,
        ),
        response: {
          204: Type.Null(),
          ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "ACCOUNT_DISABLED", "INVALID_PASSWORD"),
        },
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
        ...customer,
        summary: "Delete the account: personal data is erased, every session ends",
        body: Type.Object({ password: Type.String({ minLength: 1, maxLength: 128 }) }, strictly),
        response: {
          204: Type.Null(),
          ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "ACCOUNT_DISABLED", "INVALID_PASSWORD"),
        },
      },
    },
    async (request, reply) => {
      await customers.deleteAccount(opts.customers, request.customer.sub, request.body.password, ctx(request));
      return reply.code(204).send(null);
    },
  );
};
