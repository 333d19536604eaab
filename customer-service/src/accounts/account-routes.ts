import { documentOnly } from "@coffer/contracts/http";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import Type from "typebox";
import { errorResponses } from "../errors.js";
import { requestContext as ctx } from "../outgoing-events.js";
import { Accepted, CustomerResponse, DisplayName, Email, Locale, Password, RetryAfter, Secret } from "../schemas.js";
import * as accounts from "./account-service.js";
import { MAIL_ROUTE_RATE_LIMIT } from "./mail-allowance.js";

const ACCEPTED = { message: "If the address belongs to an account, an e-mail is on its way" };
const strictly = { additionalProperties: false };
const auth = { tags: ["auth"] };
const rateLimited = documentOnly({ responses: { 429: { headers: { "retry-after": RetryAfter } } } });

/** Registration, e-mail verification and the forgotten password: the account routes before any login. */
export const accountRoutes: FastifyPluginAsyncTypebox<{ deps: accounts.AccountDeps }> = async (app, { deps }) => {
  app.post(
    "/auth/register",
    {
      schema: {
        ...auth,
        summary: "Register; a verification link is mailed",
        description:
          "The answer is the same whether or not the address has an account. A registration of an address never verified replaces it; for a verified account nothing changes and its owner is mailed a reset link. An address gets at most one such mail a minute and a few a day.",
        body: Type.Object(
          { email: Email, password: Password, displayName: DisplayName, locale: Type.Optional(Locale) },
          strictly,
        ),
        response: { 201: CustomerResponse, ...errorResponses("VALIDATION_FAILED") },
      },
    },
    async (request, reply) => reply.code(201).send(await accounts.register(deps, request.body, ctx(request))),
  );

  app.post(
    "/auth/verify-email",
    {
      schema: {
        ...auth,
        summary: "Verify the e-mail address with the token of the link and the password chosen at registration",
        body: Type.Object({ token: Secret, password: Type.String({ minLength: 1, maxLength: 128 }) }, strictly),
        response: {
          204: Type.Null(),
          ...errorResponses("VALIDATION_FAILED", "INVALID_TOKEN", "INVALID_PASSWORD"),
        },
      },
    },
    async (request, reply) => {
      await accounts.verifyEmail(deps, request.body, ctx(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/auth/verify-email/resend",
    {
      config: { ...MAIL_ROUTE_RATE_LIMIT, ...rateLimited },
      schema: {
        ...auth,
        summary: "Send a new verification link, at most one a minute and a few a day",
        body: Type.Object({ email: Email }, strictly),
        response: { 202: Accepted, ...errorResponses("VALIDATION_FAILED", "RATE_LIMITED") },
      },
    },
    async (request, reply) => {
      await accounts.resendVerification(deps, request.body.email, ctx(request));
      return reply.code(202).send(ACCEPTED);
    },
  );

  app.post(
    "/auth/password/forgot",
    {
      config: { ...MAIL_ROUTE_RATE_LIMIT, ...rateLimited },
      schema: {
        ...auth,
        summary: "Mail a password reset link, if the address belongs to an account (one a minute, a few a day)",
        body: Type.Object({ email: Email }, strictly),
        response: { 202: Accepted, ...errorResponses("VALIDATION_FAILED", "RATE_LIMITED") },
      },
    },
    async (request, reply) => {
      // Answer first: the time of the answer must not tell whether the account exists.
      const { email } = request.body;
      setImmediate(() => {
        accounts
          .requestPasswordReset(deps, email, ctx(request))
          .catch((err: unknown) => request.log.error({ err }, "password reset request failed"));
      });
      return reply.code(202).send(ACCEPTED);
    },
  );

  app.post(
    "/auth/password/reset",
    {
      schema: {
        ...auth,
        summary: "Set a new password with the token of a reset link; every session ends",
        body: Type.Object({ token: Secret, newPassword: Password }, strictly),
        response: { 204: Type.Null(), ...errorResponses("VALIDATION_FAILED", "INVALID_TOKEN") },
      },
    },
    async (request, reply) => {
      await accounts.resetPassword(deps, request.body, ctx(request));
      return reply.code(204).send(null);
    },
  );
};
