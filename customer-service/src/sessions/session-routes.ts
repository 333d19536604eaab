import type {} from "@fastify/cookie";
import { BEARER_AUTH, documentOnly } from "@coffer/contracts/http";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, preHandlerAsyncHookHandler } from "fastify";
import Type from "typebox";
import { Errors, errorResponses } from "../errors.js";
import { requestContext as ctx } from "../outgoing-events.js";
import { Email, RetryAfter, Secret, TokensResponse } from "../schemas.js";
import * as sessions from "./session-service.js";

const REFRESH_COOKIE = "coffer_refresh";

const strictly = { additionalProperties: false };
const auth = { tags: ["auth"] };
const sessionsTag = { tags: ["sessions"], security: BEARER_AUTH };

const RefreshCookie = Type.String({
  description: `${REFRESH_COOKIE}: the refresh token, HttpOnly, Secure, SameSite=Strict, Path=/auth`,
});
const NoStore = Type.Literal("no-store", { description: "Tokens are never kept by a browser or proxy cache" });
const withTokens = { headers: { "set-cookie": RefreshCookie, "cache-control": NoStore } };
const RefreshTokenBody = Type.Object(
  { refreshToken: Type.Optional(Secret) },
  { ...strictly, description: "Optional: the refresh token may come in its cookie instead" },
);

const presentedRefreshToken = (
  body: { refreshToken?: string } | undefined,
  cookies: Record<string, string | undefined>,
) => body?.refreshToken ?? cookies[REFRESH_COOKIE];

// The refresh token may come in the cookie alone, with no body at all.
const emptyBodyAllowed = async (request: { body: unknown }) => {
  request.body ??= {};
};

/** Login, refresh and logout, and the customer's list of sessions. */
export const sessionRoutes: FastifyPluginAsyncTypebox<{
  deps: sessions.SessionDeps;
  authenticate: preHandlerAsyncHookHandler;
}> = async (app, { deps, authenticate }) => {
  function sendTokens(reply: FastifyReply, tokens: sessions.IssuedTokens) {
    reply.header("cache-control", "no-store");
    // Browser apps never hold the refresh token in script: it travels in this cookie, only to /auth.
    reply.setCookie(REFRESH_COOKIE, tokens.refreshToken, {
      httpOnly: true,
      secure: true,
      sameSite: "strict",
      path: "/auth",
      maxAge: deps.refreshTtlSeconds,
    });
    return tokens;
  }

  app.post(
    "/auth/login",
    {
      config: documentOnly({ responses: { 200: withTokens, 429: { headers: { "retry-after": RetryAfter } } } }),
      onResponse: async (_request, reply) => deps.loginMetrics.answered(reply.statusCode),
      onError: async (_request, _reply, error) => deps.loginMetrics.refused(error),
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
      const tokens = await sessions.login(deps, {
        ...request.body,
        ip: request.ip,
        userAgent: String(request.headers["user-agent"] ?? ""),
      });
      return sendTokens(reply, tokens);
    },
  );

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
        return sendTokens(reply, await sessions.refresh(deps, token, ctx(request)));
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
      if (token) await sessions.logout(deps, token, ctx(request));
      reply.clearCookie(REFRESH_COOKIE, { path: "/auth" });
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/auth/sessions",
    {
      preHandler: authenticate,
      schema: {
        ...sessionsTag,
        summary: "The customer's active sessions",
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
    async (request) => {
      const { customerId, sessionId } = request.verifiedCustomer;
      return { sessions: await sessions.listSessions(deps, customerId, sessionId) };
    },
  );

  app.delete(
    "/auth/sessions/:id",
    {
      preHandler: authenticate,
      schema: {
        ...sessionsTag,
        summary: "End one of the customer's sessions",
        params: Type.Object({ id: Type.String({ format: "uuid" }) }),
        response: { 204: Type.Null(), ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "SESSION_NOT_FOUND") },
      },
    },
    async (request, reply) => {
      await sessions.revokeSession(deps, request.verifiedCustomer.customerId, request.params.id, ctx(request));
      return reply.code(204).send(null);
    },
  );
};
