import {
  createOriginCheck,
  documentOnly,
  prefersHtml,
  setPageErrorHandler,
  type DocumentedAnswer,
  type PageRenderer,
} from "@coffer/contracts/http";
import type {} from "@fastify/cookie";
import formbody from "@fastify/formbody";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import Type from "typebox";
import { DownloadHeaders, downloadAnswers } from "../downloads/download-schemas.js";
import { sendContent, type ServedMeter } from "../downloads/send-content.js";
import type { FileStorage } from "../storage/file-storage.js";
import { errorResponses } from "../errors.js";
import { type CustomerRoutes, Uuid, contextOf, documented } from "../http.js";
import { chargeDownload, refundDownload } from "./share-downloads.js";
import type { ShareMetrics } from "../metrics/file-metrics.js";
import { createSharePages } from "./share-pages.js";
import * as shares from "./share-service.js";

const ShareResponse = Type.Object({
  id: Type.String(),
  fileId: Type.String(),
  expiresAt: Type.String({ format: "date-time" }),
  passwordProtected: Type.Boolean(),
  maxDownloads: Type.Union([Type.Integer(), Type.Null()]),
  downloads: Type.Integer(),
  recipients: Type.Array(Type.String()),
  createdAt: Type.String({ format: "date-time" }),
});
const Token = Type.String({ pattern: "^[A-Za-z0-9_-]{43}$" });
const sharesDoc = documented("shares");
const publicDoc = { tags: ["public shares"] };
/** The grant as a browser holds it: sent back only to the link's own path, never readable by script. */
export const GRANT_COOKIE = "coffer_share_grant";
const GrantCookie = Type.String({
  description: `${GRANT_COOKIE}: the grant, HttpOnly, SameSite=Lax, Path=/s/{token}, for the grant's lifetime (Secure on https)`,
});
const Page = Type.String({ description: "The page a browser gets: its Accept prefers text/html" });
/** The link's URLs answer a browser with pages: these statuses also come as text/html. */
const asPages = (...statuses: number[]): Record<number, DocumentedAnswer> =>
  Object.fromEntries(statuses.map((status) => [status, { content: { "text/html": Page } }]));
const ShareDownloadHeaders = Type.Object({
  ...DownloadHeaders.properties,
  "x-share-grant": Type.Optional(
    Type.String({ description: `The grant of POST /s/{token}/unlock, for a password (or its ${GRANT_COOKIE} cookie)` }),
  ),
});
const LINK_GONE = ["SHARE_REVOKED", "SHARE_EXPIRED", "SHARE_EXHAUSTED"] as const;
const RetryAfter = Type.Integer({ description: "Seconds to wait" });

/** The owner's share management (JWT). */
export const shareRoutes: FastifyPluginAsyncTypebox<CustomerRoutes<shares.ShareDeps>> = async (app, opts) => {
  app.addHook("preHandler", opts.authenticate);

  app.post(
    "/files/:id/shares",
    {
      config: documentOnly({ responses: { 429: { headers: { "retry-after": RetryAfter } } } }),
      schema: {
        ...sharesDoc,
        summary:
          "Share a file by link, optionally with a password, a download limit and recipients to mail; links and recipients are limited per customer",
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          {
            expiresAt: Type.Optional(Type.String({ format: "date-time" })),
            password: Type.Optional(Type.String({ minLength: 8, maxLength: 128 })),
            maxDownloads: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
            recipients: Type.Optional(Type.Array(Type.String({ format: "email", maxLength: 254 }), { maxItems: 50 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ id: Type.String(), url: Type.String(), expiresAt: Type.String({ format: "date-time" }) }),
          ...errorResponses(
            "VALIDATION_FAILED",
            "SHARE_EXPIRY_IN_PAST",
            "SHARE_EXPIRY_TOO_LATE",
            "TOO_MANY_RECIPIENTS",
            "UNAUTHORIZED",
            "FILE_NOT_FOUND",
            "SHARE_RATE_LIMITED",
            "RECIPIENT_LIMIT_REACHED",
          ),
        },
      },
    },
    async (request, reply) => {
      const created = await shares.createShare(opts.deps, contextOf(request), request.params.id, request.body);
      return reply.code(201).header("cache-control", "no-store").send(created);
    },
  );

  app.get(
    "/shares",
    {
      schema: {
        ...sharesDoc,
        summary: "The customer's live share links",
        response: { 200: Type.Object({ shares: Type.Array(ShareResponse) }), ...errorResponses("UNAUTHORIZED") },
      },
    },
    async (request) => ({ shares: await shares.listShares(opts.deps, request.verifiedCustomer.customerId) }),
  );

  app.delete(
    "/shares/:id",
    {
      schema: {
        ...sharesDoc,
        summary: "Revoke a share link",
        params: Type.Object({ id: Uuid }),
        response: { 204: Type.Null(), ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "SHARE_NOT_FOUND") },
      },
    },
    async (request, reply) => {
      await shares.revokeShare(opts.deps, request.verifiedCustomer.customerId, request.params.id);
      return reply.code(204).send(null);
    },
  );
};

/** The grant a request carries: the header of API clients, else the cookie of a browser. */
function grantOf(request: FastifyRequest): string | undefined {
  const header = request.headers["x-share-grant"];
  return typeof header === "string" ? header : request.cookies[GRANT_COOKIE];
}

type PublicShareOptions = {
  deps: shares.ShareDeps & { storage: FileStorage; shareMetrics: ShareMetrics };
  pages: PageRenderer;
};

/**
 * The public side of a link: no JWT, the token is the key. A browser gets pages: the link's own
 * for what concerns the link, the kit's error pages for the rest (set here, one scope above).
 */
export const publicShareRoutes: FastifyPluginAsyncTypebox<PublicShareOptions> = async (app, opts) => {
  setPageErrorHandler(app, opts.pages);
  await app.register(linkRoutes, opts);
};

const linkRoutes: FastifyPluginAsyncTypebox<PublicShareOptions> = async (app, opts) => {
  const pages = createSharePages({
    shares: opts.deps,
    pages: opts.pages,
    grantMinutes: shares.GRANT_TTL_SECONDS / 60,
  });
  pages.handleErrors(app);
  app.addHook("onError", async (_request, _reply, error) => opts.deps.shareMetrics.refused(error));
  // The password form posts urlencoded; JSON stays what API clients send.
  await app.register(formbody);
  const sameSite = createOriginCheck(opts.deps.publicBaseUrl, opts.pages);
  app.addHook("onRequest", async (_request, reply) => {
    reply.header("vary", "Accept");
  });

  function setGrantCookie(
    reply: FastifyReply,
    token: string,
    { grant, expiresIn }: { grant: string; expiresIn: number },
  ) {
    reply.header("cache-control", "no-store").setCookie(GRANT_COOKIE, grant, {
      httpOnly: true,
      secure: opts.deps.publicBaseUrl.startsWith("https:"),
      // Lax, not Strict: the browser's own download manager resumes with it, and a reopened mail
      // link finds the file unlocked; a cross-site page can at most start a download it cannot read.
      sameSite: "lax",
      path: `/s/${token}`,
      maxAge: expiresIn,
    });
  }

  app.get(
    "/s/:token",
    {
      config: documentOnly({ responses: asPages(200, 400, 404, 410, 503) }),
      schema: {
        ...publicDoc,
        summary: "What a share link holds, before downloading; a browser gets the link's page",
        params: Type.Object({ token: Token }),
        response: {
          200: Type.Object({
            fileName: Type.String(),
            size: Type.Integer(),
            contentType: Type.String(),
            expiresAt: Type.String({ format: "date-time" }),
            passwordRequired: Type.Boolean(),
            downloadsLeft: Type.Union([Type.Integer(), Type.Null()]),
          }),
          ...errorResponses("VALIDATION_FAILED", "SHARE_NOT_FOUND", ...LINK_GONE, "SHARE_UNAVAILABLE"),
        },
      },
    },
    async (request, reply) => {
      const { token } = request.params;
      if (!prefersHtml(request)) return shares.describeShare(opts.deps, token);
      return pages.sendShare(request, reply, 200, token, await shares.viewShare(opts.deps, token, grantOf(request)));
    },
  );

  app.post(
    "/s/:token/unlock",
    {
      preHandler: sameSite,
      config: documentOnly({
        responses: {
          ...asPages(400, 403, 404, 410, 503),
          200: { headers: { "set-cookie": GrantCookie, "cache-control": Type.Literal("no-store") } },
          303: {
            description: "A browser's form: the grant as its cookie, and back to the link's page",
            headers: {
              location: Type.String({ description: "/s/{token}" }),
              "set-cookie": GrantCookie,
              "cache-control": Type.Literal("no-store"),
            },
          },
          429: {
            headers: { "retry-after": RetryAfter },
            content: { "text/html": Page },
          },
        },
      }),
      schema: {
        ...publicDoc,
        summary:
          "Trade a share's password for a grant good for 10 minutes (also its cookie); wrong ones are throttled. The link's page posts it as a form",
        consumes: ["application/json", "application/x-www-form-urlencoded"],
        params: Type.Object({ token: Token }),
        body: Type.Object({ password: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ grant: Type.String(), expiresIn: Type.Integer() }),
          303: Type.Null(),
          ...errorResponses(
            "VALIDATION_FAILED",
            "SHARE_WRONG_PASSWORD",
            "SHARE_NOT_FOUND",
            ...LINK_GONE,
            "SHARE_UNAVAILABLE",
            "TOO_MANY_ATTEMPTS",
          ),
        },
      },
    },
    async (request, reply) => {
      const { token } = request.params;
      const unlocked = await shares.unlockShare(opts.deps, token, request.body.password);
      setGrantCookie(reply, token, unlocked);
      if (prefersHtml(request)) return reply.code(303).header("location", `/s/${token}`).send(null);
      return reply.send(unlocked);
    },
  );

  /** Downloads count by the bytes served, Range or not (share-downloads.ts); a resume counts once. */
  const content =
    (head: boolean) => async (request: FastifyRequest<{ Params: { token: string } }>, reply: FastifyReply) => {
      const { share, file, version } = await shares.openShare(opts.deps, request.params.token, grantOf(request));
      const meter: ServedMeter = {
        stallMs: opts.deps.shareLimits.downloadStallSeconds * 1000,
        async charge(length) {
          const served = { shareId: share.id, fileName: file.name, fileSize: version.size, bytes: Math.max(length, 1) };
          await chargeDownload(opts.deps.pool, served, request.id);
          opts.deps.shareMetrics.downloaded();
          return (sent) => {
            // The client is gone: a refund that fails leaves the visitor charged, nothing worse.
            refundDownload(opts.deps.pool, share.id, length - sent).catch((err: unknown) =>
              request.log.warn({ err, shareId: share.id }, "giving back unsent share bytes failed"),
            );
          };
        },
      };
      return sendContent(request, reply, { storage: opts.deps.storage, name: file.name, version, head, meter });
    };
  const contentErrors = [
    "VALIDATION_FAILED",
    "SHARE_PASSWORD_REQUIRED",
    "SHARE_NOT_FOUND",
    ...LINK_GONE,
    "SHARE_UNAVAILABLE",
    "RANGE_NOT_SATISFIABLE",
  ] as const;
  app.get(
    "/s/:token/content",
    {
      exposeHeadRoute: false,
      config: documentOnly({
        headers: ShareDownloadHeaders,
        responses: { ...downloadAnswers({ body: true }), ...asPages(400, 401, 404, 410, 503) },
      }),
      schema: {
        ...publicDoc,
        summary:
          "Download a shared file (Range, If-Range, If-None-Match); downloads count by the bytes served, so a resumed one counts once",
        params: Type.Object({ token: Token }),
        response: errorResponses(...contentErrors, "STORAGE_UNAVAILABLE"),
      },
    },
    content(false),
  );
  app.head(
    "/s/:token/content",
    {
      config: {
        swagger: { exposeHeadRoute: true },
        ...documentOnly({
          headers: ShareDownloadHeaders,
          responses: { ...downloadAnswers({ body: false }), ...asPages(400, 401, 404, 410, 503) },
        }),
      },
      schema: {
        ...publicDoc,
        summary: "A shared download's headers without its content; not counted",
        params: Type.Object({ token: Token }),
        response: errorResponses(...contentErrors),
      },
    },
    content(true),
  );
};
