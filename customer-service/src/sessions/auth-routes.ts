import type {} from "@fastify/cookie";
import { BEARER_AUTH, documentOnly } from "@coffer/contracts";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, preHandlerAsyncHookHandler } from "fastify";
import Type from "typebox";
import * as customers from "../customers/customer-service.js";
import { Errors, errorResponses } from "../errors.js";
import {
  Accepted,
  CustomerResponse,
  DisplayName,
  Email,
  Locale,
  Password,
  RetryAfter,
  Secret,
  TokensResponse,
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
const auth = { tags: ["auth"] };
const sessionsTag = { tags: ["sessions"] };

const RefreshCookie = Type.String({
  description: `${REFRESH_COOKIE}: the refresh token, HttpOnly, Secure, SameSite=Strict, Path=/auth`,
});
const NoStore = Type.Literal("no-store", { description: "Tokens are never kept by a browser or proxy cache" });
const withTokens = { headers: { "set-cookie": RefreshCookie, "cache-control": NoStore } };
const RefreshTokenBody = Type.Object(
  { refreshToken: Type.Optional(Secret) },
  { ...strictly, description: "Optional: the refresh token may come in its cookie instead" },
);

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, opts) => {
  const ctx = (request: { id: string }) => ({ correlationId: request.id });
  // Slows down mail-sending endpoints per client address; the service's own checks stop per-account abuse.
  const mailRateLimit = { rateLimit: { max: 5, timeWindow: "15 minutes" } };

  function sendTokens(reply: FastifyReply, tokens: sessions.IssuedTokens) {
    reply.header("cache-control", "no-store");
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
    async (request, reply) =>
      reply.code(201).send(await customers.register(opts.customers, request.body, ctx(request))),
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
      await customers.verifyEmail(opts.customers, request.body, ctx(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/auth/verify-email/resend",
    {
      config: { ...mailRateLimit, ...documentOnly({ responses: { 429: { headers: { "retry-after": RetryAfter } } } }) },
      schema: {
        ...auth,
        summary: "Send a new verification link, at most one a minute and a few a day",
        body: Type.Object({ email: Email }, strictly),
        response: { 202: Accepted, ...errorResponses("VALIDATION_FAILED", "RATE_LIMITED") },
      },
    },
    async (request, reply) => {
      await customers.resendVerification(opts.customers, request.body.email, ctx(request));
      return reply.code(202).send(ACCEPTED);
    },
  );

  app.post(
    "/auth/login",
    {
      config: documentOnly({ responses: { 200: withTokens, 429: { headers: { "retry-after": RetryAfter } } } }),
      schema: {
        ...auth,
        summary: "Log in: an access token, and a refresh token (also as a cookie)",
        body: Type.Object({ email: Email, password: Type.String({ minLength: 1, maxLength: 128 }) }, strictly),
        response: {
          200: TokensResponse,
          ...errorResponses(
            "VALIDATION_FAILED",
            "INVALID_CREDENTIALS",
            "EMAIL_NOT_VERIFIED",
            "ACCOUNT_DISABLED",
            "TOO_MANY_ATTEMPTS",
          ),
        },
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
      config: documentOnly({ bodyOptional: true, responses: { 200: withTokens } }),
      schema: {
        ...auth,
        summary: "Trade the refresh token (body or cookie) for a new pair; a reused one revokes the session",
        body: RefreshTokenBody,
        response: {
          200: TokensResponse,
          ...errorResponses("VALIDATION_FAILED", "INVALID_REFRESH_TOKEN", "REFRESH_TOKEN_REUSED"),
        },
      },
    },
    async (request, reply) => {
      const token = presentedRefreshToken(request.body, request.cookies);
      if (!token) throw Errors.invalidRefreshToken("No refresh token was presented");
      try {
        return sendTokens(reply, await sessions.refresh(opts.sessions, token, ctx(request)));
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
      config: documentOnly({
        bodyOptional: true,
        responses: { 204: { headers: { "set-cookie": Type.String({ description: "Clears the refresh cookie" }) } } },
      }),
      schema: {
        ...auth,
        summary: "End the session of the refresh token (body or cookie) and clear the cookie",
        body: RefreshTokenBody,
        response: { 204: Type.Null(), ...errorResponses("VALIDATION_FAILED") },
      },
    },
    async (request, reply) => {
      const token = presentedRefreshToken(request.body, request.cookies);
      if (token) await sessions.logout(opts.sessions, token, ctx(request));
      reply.clearCookie(REFRESH_COOKIE, { path: "/auth" });
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/auth/sessions",
    {
      preHandler: opts.authenticate,
      schema: {
        ...sessionsTag,
        summary: "The customer's active sessions",
        security: BEARER_AUTH,
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
          ...errorResponses("UNAUTHORIZED"),
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
        ...sessionsTag,
        summary: "End one of the customer's sessions",
        security: BEARER_AUTH,
        params: Type.Object({ id: Type.String({ format: "uuid" }) }),
        response: { 204: Type.Null(), ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "SESSION_NOT_FOUND") },
      },
    },
    async (request, reply) => {
      await sessions.revokeSession(opts.sessions, request.customer.sub, request.params.id, ctx(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/auth/password/forgot",
    {
      config: { ...mailRateLimit, ...documentOnly({ responses: { 429: { headers: { "retry-after": RetryAfter } } } }) },
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
        ...auth,
        summary: "Set a new password with the token of a reset link; every session ends",
        body: Type.Object({ token: Secret, newPassword: Password }, strictly),
        response: { 204: Type.Null(), ...errorResponses("VALIDATION_FAILED", "INVALID_TOKEN") },
      },
    },
    async (request, reply) => {
      await customers.resetPassword(opts.customers, request.body, ctx(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/.well-known/jwks.json",
    {
      schema: {
        ...auth,
        summary: "The public keys that verify access tokens (JWKS)",
        response: { 200: Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.String())) }) },
      },
    },
    async (_request, reply) => {
      reply.header("cache-control", "public, max-age=300");
      return opts.keys.jwks as { keys: Record<string, string>[] };
    },
  );
};
