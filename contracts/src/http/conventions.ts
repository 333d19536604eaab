import { randomUUID } from "node:crypto";
import {
  LogController,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from "fastify";
import Type, { type TObject } from "typebox";
import { AppError } from "../errors.js";
import { isTracing, nameRequestSpan, traceLogFields } from "../tracing/index.js";

/**
 * The HTTP conventions every Coffer service shares, because clients and the gateway rely on
 * them: one error shape, the correlation id that follows a request through logs and events.
 */

export const CORRELATION_ID_HEADER = "x-correlation-id";
const CORRELATION_ID = /^[\w.:-]{1,128}$/;
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/** The codes the shared HTTP machinery answers with, and their status; every service's catalogue includes them. */
export const HTTP_ERRORS = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  TOKEN_REVOKED: 401,
  FORBIDDEN: 403,
  ACCOUNT_DISABLED: 403,
  ROUTE_NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL_ERROR: 500,
  DEPENDENCY_UNAVAILABLE: 503,
  STARTING: 503,
} as const;

/** Every 4xx and 5xx answer. */
export const ErrorResponse = Type.Object({
  code: Type.String({ description: "Stable, SCREAMING_SNAKE error code" }),
  message: Type.String(),
});

/** The URL as logs may show it: the path alone (queries carry verification and reset tokens), share tokens masked. */
export const loggableUrl = (url: string) =>
  url
    .replace(/[?#].*$/s, "")
    // However the path is spelled (//s/…, /./s/…, /%73/…): a share token's shape is masked anywhere.
    .replace(/(^|\/)s\/[^/]+/g, "$1s/[redacted]")
    .replace(/\/[A-Za-z0-9_-]{43}(?=\/|$)/g, "/[redacted]");

/** An error answer whose `code` is one of these. */
export const errorResponseOf = (codes: readonly string[]) =>
  Type.Object({ code: Type.Enum([...codes], { description: "Stable error code" }), message: Type.String() });

/** What every authenticated route can answer: the authentication refuses a revoked session or a disabled account. */
const AUTHENTICATION_REFUSALS = ["UNAUTHORIZED", "TOKEN_REVOKED", "ACCOUNT_DISABLED"] as const;

/**
 * Documents the errors a route can answer, from a service's catalogue of codes and their status:
 * `errorResponses("FILE_NOT_FOUND", "NAME_TAKEN")` gives one `{ code, message }` schema for 404 and
 * one for 409, each listing exactly the codes given for its status. A code outside the catalogue
 * does not compile. A route that answers UNAUTHORIZED authenticates, so it also answers the
 * other refusals of `createAuthenticate` (TOKEN_REVOKED, ACCOUNT_DISABLED).
 */
export function createErrorResponses<Code extends string>(catalogue: Readonly<Record<Code, number>>) {
  return (...given: Code[]): Record<number, TObject> => {
    const authenticated = given.includes("UNAUTHORIZED" as Code);
    const refusals = AUTHENTICATION_REFUSALS.filter((code) => code in catalogue) as string[] as Code[];
    const codes = authenticated ? [...new Set([...given, ...refusals])] : given;
    const byStatus = new Map<number, Code[]>();
    for (const code of codes) byStatus.set(catalogue[code], [...(byStatus.get(catalogue[code]) ?? []), code]);
    return Object.fromEntries([...byStatus].map(([status, sameStatus]) => [status, errorResponseOf(sameStatus)]));
  };
}

/** Logger, correlation id, body limits and the client's address for `Fastify(…)`. */
export function createServerOptions(options: {
  service: string;
  logLevel: string;
  /** TRUSTED_PROXIES: `request.ip` is the right-most X-Forwarded-For address these did not add. */
  trustedProxies: readonly string[];
}): FastifyServerOptions {
  return {
    trustProxy: [...options.trustedProxies],
    logger: {
      level: options.logLevel,
      base: { service: options.service },
      ...(isTracing() && { mixin: traceLogFields }),
      redact: {
        paths: ["req.headers.authorization", "req.headers.cookie", 'res.headers["set-cookie"]'],
        censor: "[redacted]",
      },
      serializers: {
        // A share link's token is its secret, and it travels in the path: it never reaches a log.
        req: (req: { method: string; url: string; host?: string; ip?: string }) => ({
          method: req.method,
          url: loggableUrl(req.url),
          host: req.host,
          remoteAddress: req.ip,
        }),
      },
    },
    // Unknown properties are refused (400), not silently dropped: a client sending `roles` learns it cannot.
    ajv: { customOptions: { removeAdditional: false } },
    requestIdHeader: false,
    logController: new LogController({
      requestIdLogLabel: "correlationId",
      // Probes poll every few seconds; their request lines would drown everything else.
      disableRequestLogging: (request) => request.url.startsWith("/health/"),
    }),
    // A path the router cannot decode, or a parameter over its 100 characters, is refused before
    // any hook or error handler runs: answer it in our shape all the same.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
      reply
        .code(400)
        .header(CORRELATION_ID_HEADER, request.id)
        .send({ code: "VALIDATION_FAILED", message: error.message }),
    genReqId: (req) => {
      const given = req.headers[CORRELATION_ID_HEADER];
      return typeof given === "string" && CORRELATION_ID.test(given) ? given : randomUUID();
    },
  };
}

/**
 * What Fastify and its plugins refuse a request with (`FST_ERR_CTP_INVALID_JSON_BODY`,
 * `FST_INVALID_MULTIPART_CONTENT_TYPE`, …), in our vocabulary: clients see only documented codes.
 * A body of the wrong type is 415 whoever notices it (@fastify/multipart says 406).
 */
function frameworkRefusal(status: number): { status: number; code: keyof typeof HTTP_ERRORS } {
  if (status === 413) return { status, code: "PAYLOAD_TOO_LARGE" };
  if (status === 406 || status === 415) return { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" };
  return { status: 400, code: "VALIDATION_FAILED" };
}

/**
 * Echoes the correlation id and maps every error to `{ code, message }`, never leaking a 500's cause;
 * an AppError's `retryAfterSeconds` becomes Retry-After.
 * An error `isDependencyDown` recognises (the database unreachable) answers 503 DEPENDENCY_UNAVAILABLE.
 */
export function registerHttpConventions(
  app: FastifyInstance,
  options: { isDependencyDown?: (error: unknown) => boolean } = {},
): void {
  app.addHook("onSend", async (request, reply) => {
    reply.header(CORRELATION_ID_HEADER, request.id);
  });
  if (isTracing())
    app.addHook("onRequest", async (request) => nameRequestSpan(request.method, request.routeOptions.url));

  // JSON.parse reads invalid UTF-8 as U+FFFD, which would then be stored: refuse it instead.
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body, done) => {
    let text: string;
    try {
      text = STRICT_UTF8.decode(body as Buffer);
    } catch {
      return done(Object.assign(new Error("The body is not valid UTF-8"), { statusCode: 400 }), undefined);
    }
    parseJson(request, text, done);
  });

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      if (error.statusCode >= 500) request.log.error({ err: error }, "request failed");
      if (error.retryAfterSeconds) reply.header("retry-after", String(error.retryAfterSeconds));
      return reply.code(error.statusCode).send({ code: error.code, message: error.message });
    }
    if (error.validation) {
      return reply.code(400).send({ code: "VALIDATION_FAILED", message: error.message });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const refusal = frameworkRefusal(status);
      return reply.code(refusal.status).send({ code: refusal.code, message: error.message });
    }
    request.log.error({ err: error }, "request failed");
    if (options.isDependencyDown?.(error)) {
      return reply.code(503).send({
        code: "DEPENDENCY_UNAVAILABLE",
        message: "A service this request needs is unavailable; try again shortly",
      });
    }
    return reply.code(500).send({ code: "INTERNAL_ERROR", message: "Internal server error" });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ code: "ROUTE_NOT_FOUND", message: `Route ${request.method} ${request.url} not found` }),
  );
}
