import { BEARER_AUTH } from "@coffer/contracts/http";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { preHandlerAsyncHookHandler } from "fastify";
import Type from "typebox";
import { errorResponses } from "../errors.js";
import { requestContext as ctx } from "../outgoing-events.js";
import { CustomerResponse, DisplayName, Locale, Password } from "../schemas.js";
import * as accounts from "./account-service.js";

const strictly = { additionalProperties: false };
const customer = { tags: ["customers"], security: BEARER_AUTH };

/** The customer's own account: profile, password, deletion. */
export const customerRoutes: FastifyPluginAsyncTypebox<{
  deps: accounts.AccountDeps;
  authenticate: preHandlerAsyncHookHandler;
}> = async (app, { deps, authenticate }) => {
  app.addHook("preHandler", authenticate);

  app.get(
    "/customers/me",
    {
      schema: {
        ...customer,
        summary: "The customer's own account",
        response: { 200: CustomerResponse, ...errorResponses("UNAUTHORIZED", "ACCOUNT_DISABLED") },
      },
    },
    async (request) => accounts.toPublic(await accounts.getActiveCustomer(deps, request.verifiedCustomer.customerId)),
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
    async (request) => accounts.updateProfile(deps, request.verifiedCustomer.customerId, request.body, ctx(request)),
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
      const { customerId, sessionId } = request.verifiedCustomer;
      await accounts.changePassword(deps, customerId, { ...request.body, keepSessionId: sessionId }, ctx(request));
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
      await accounts.deleteAccount(deps, request.verifiedCustomer.customerId, request.body.password, ctx(request));
      return reply.code(204).send(null);
    },
  );
};
