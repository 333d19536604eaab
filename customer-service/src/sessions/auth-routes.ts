import type {} from "@fastify/cookie";
import { AppError } from "@coffer/contracts";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, preHandlerAsyncHookHandler } from "fastify";
import Type from "typebox";
import * as customers from "../customers/customer-service.js";
import {
  Accepted,
  CustomerResponse,
  DisplayName,
  Email,
  Locale,
  Password,
  Secret,
  TokensResponse,
  errors,
} from "../schemas.js";
import type { SigningKeys } from "../tokens/signing-keys.js";
import * as sessions from "./session-service.js";

export const REFRESH_COOKIE = "coffer_refresh";

export type AuthRoutesOptions = {
  customers: customers.CustomerDeps;
  sessions: sessions.SessionDeps;
  keys: SigningKeys;
  authenticate: preHandlerAsyncHookHandler;
};

const ACCEPTED = { message: "If the address belongs to an account, an e-mail is on its way" };
const strictly = { additionalProperties: false };

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, opts) => {
  const ctx = (request: { id: string }) => ({ correlationId: request.id });
  // Slows down mail-sending endpoints per client address; the service's own checks stop per-account abuse.
  const mailRateLimit = { rateLimit: { max: 5, timeWindow: "15 minutes" } };

  function sendTokens(reply: FastifyReply, tokens: sessions.IssuedTokens) {
    // Browser apps never hold the refresh token in script: it travels in this cookie, only to /auth.
    reply.setCookie(REFRESH_COOKIE, tokens.refreshToken, {
      httpOnly: true,
      secure: true,
      sameSite: "strict",
      path: "/auth",
      maxAge: opts.sessions.refreshTtlSeconds,
    });
    return tokens;
  }

  function presentedRefreshToken(
    body: { refreshToken?: string } | undefined,
    cookies: Record<string, string | undefined>,
  ) {
    return body?.refreshToken ?? cookies[REFRESH_COOKIE];
  }

  app.post(
    "/auth/register",
    {
      schema: {
        body: Type.Object(
          { email: Email, password: Password, displayName: DisplayName, locale: Type.Optional(Locale) },
          strictly,
        ),
        response: { 201: CustomerResponse, ...errors(400, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await customers.register(opts.customers, request.body, ctx(request))),
  );

  app.post(
    "/auth/verify-email",
    {
      schema: {
        body: Type.Object({ token: Secret }, strictly),
        response: { 204: Type.Null(), ...errors(400) },
      },
    },
    async (request, reply) => {
      await customers.verifyEmail(opts.customers, request.body.token, ctx(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/auth/verify-email/resend",
    {
      config: mailRateLimit,
      schema: { body: Type.Object({ email: Email }, strictly), response: { 202: Accepted, ...errors(400, 429) } },
    },
    async (request, reply) => {
      await customers.resendVerification(opts.customers, request.body.email, ctx(request));
      return reply.code(202).send(ACCEPTED);
    },
  );

  app.post(
    "/auth/login",
    {
      schema: {
        body: Type.Object({ email: Email, password: Type.String({ minLength: 1, maxLength: 128 }) }, strictly),
        response: { 200: TokensResponse, ...errors(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      try {
        const tokens = await sessions.login(opts.sessions, {
          ...request.body,
          ip: request.ip,
          userAgent: String(request.headers["user-agent"] ?? ""),
        });
        return sendTokens(reply, tokens);
      } catch (error) {
        const retryAfter = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
        if (retryAfter) reply.header("retry-after", String(retryAfter));
        throw error;
      }
    },
  );

  // The refresh token may come in the cookie alone, with no body at all.
  const emptyBodyAllowed = async (request: { body: unknown }) => {
    request.body ??= {};
  };

  app.post(
    "/auth/refresh",
    {
      preValidation: emptyBodyAllowed,
      schema: {
        body: Type.Object({ refreshToken: Type.Optional(Secret) }, strictly),
        response: { 200: TokensResponse, ...errors(400, 401) },
      },
    },
    async (request, reply) => {
      const token = presentedRefreshToken(request.body, request.cookies);
      if (!token) throw new AppError("INVALID_REFRESH_TOKEN", "No refresh token was presented", { statusCode: 401 });
      try {
        return sendTokens(reply, await sessions.refresh(opts.sessions, token));
      } catch (error) {
        reply.clearCookie(REFRESH_COOKIE, { path: "/auth" });
        throw error;
      }
    },
  );

  app.post(
    "/auth/logout",
    {
      preValidation: emptyBodyAllowed,
      schema: {
        body: Type.Object({ refreshToken: Type.Optional(Secret) }, strictly),
        response: { 204: Type.Null(), ...errors(400) },
      },
    },
    async (request, reply) => {
      const token = presentedRefreshToken(request.body, request.cookies);
      if (token) await sessions.logout(opts.sessions, token);
      reply.clearCookie(REFRESH_COOKIE, { path: "/auth" });
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/auth/sessions",
    {
      preHandler: opts.authenticate,
      schema: {
        response: {
          200: Type.Object({
            sessions: Type.Array(
              Type.Object({
                id: Type.String(),
                device: Type.String(),
                ip: Type.String(),
                createdAt: Type.String({ format: "date-time" }),
                lastUsedAt: Type.String({ format: "date-time" }),
                current: Type.Boolean(),
              }),
            ),
          }),
          ...errors(401),
        },
      },
    },
    async (request) => ({
      sessions: await sessions.listSessions(opts.sessions, request.customer.sub, request.customer.sid),
    }),
  );

  app.delete(
    "/auth/sessions/:id",
    {
      preHandler: opts.authenticate,
      schema: {
        params: Type.Object({ id: Type.String({ format: "uuid" }) }),
        response: { 204: Type.Null(), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await sessions.revokeSession(opts.sessions, request.customer.sub, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/auth/password/forgot",
    {
      config: mailRateLimit,
      schema: { body: Type.Object({ email: Email }, strictly), response: { 202: Accepted, ...errors(400, 429) } },
    },
    async (request, reply) => {
      // Answer first: the time of the answer must not tell whether the account exists.
      const { email } = request.body;
      setImmediate(() => {
        customers
          .requestPasswordReset(opts.customers, email, ctx(request))
          .catch((err: unknown) => request.log.error({ err }, "password reset request failed"));
      });
      return reply.code(202).send(ACCEPTED);
    },
  );

  app.post(
    "/auth/password/reset",
    {
      schema: {
        body: Type.Object({ token: Secret, newPassword: Password }, strictly),
        response: { 204: Type.Null(), ...errors(400) },
      },
    },
    async (request, reply) => {
      await customers.resetPassword(opts.customers, request.body, ctx(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/.well-known/jwks.json",
    { schema: { response: { 200: Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.String())) }) } } },
    async (_request, reply) => {
      reply.header("cache-control", "public, max-age=300");
      return opts.keys.jwks as { keys: Record<string, string>[] };
    },
  );
};
