import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import Type from "typebox";
import { sendContent } from "../files/download.js";
import type { FileStorage } from "../files/file-storage.js";
import { Uuid, errors } from "../schemas.js";
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

/** The owner's share management (JWT). */
export const shareRoutes: FastifyPluginAsyncTypebox<{
  shares: shares.ShareDeps;
  authenticate: preHandlerAsyncHookHandler;
}> = async (app, opts) => {
  app.addHook("preHandler", opts.authenticate);

  app.post(
    "/files/:id/shares",
    {
      schema: {
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          {
            expiresAt: Type.Optional(Type.String({ format: "date-time" })),
            password: Type.Optional(Type.String({ minLength: 4, maxLength: 128 })),
            maxDownloads: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
            recipients: Type.Optional(Type.Array(Type.String({ format: "email", maxLength: 254 }), { maxItems: 50 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ id: Type.String(), url: Type.String(), expiresAt: Type.String({ format: "date-time" }) }),
          ...errors(400, 401, 404),
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await shares.createShare(
            opts.shares,
            { customerId: request.verifiedCustomer.customerId, correlationId: request.id },
            request.params.id,
            request.body,
          ),
        ),
  );

  app.get(
    "/shares",
    { schema: { response: { 200: Type.Object({ shares: Type.Array(ShareResponse) }), ...errors(401) } } },
    async (request) => ({ shares: await shares.listShares(opts.shares, request.verifiedCustomer.customerId) }),
  );

  app.delete(
    "/shares/:id",
    { schema: { params: Type.Object({ id: Uuid }), response: { 204: Type.Null(), ...errors(400, 401, 404) } } },
    async (request, reply) => {
      await shares.revokeShare(opts.shares, request.verifiedCustomer.customerId, request.params.id);
      return reply.code(204).send(null);
    },
  );
};

/** The public side of a link: no JWT, the token is the key. */
export const publicShareRoutes: FastifyPluginAsyncTypebox<{ shares: shares.ShareDeps; storage: FileStorage }> = async (
  app,
  opts,
) => {
  app.get(
    "/s/:token",
    {
      schema: {
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
          ...errors(400, 404, 410),
        },
      },
    },
    async (request) => shares.describeShare(opts.shares, request.params.token),
  );

  app.post(
    "/s/:token/unlock",
    {
      schema: {
        params: Type.Object({ token: Token }),
        body: Type.Object({ password: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ grant: Type.String(), expiresIn: Type.Integer() }),
          ...errors(400, 403, 404, 410, 429),
        },
      },
    },
    async (request, reply) => {
      try {
        return await shares.unlockShare(opts.shares, request.params.token, request.body.password);
      } catch (error) {
        const retryAfter = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
        if (retryAfter) reply.header("retry-after", String(retryAfter));
        throw error;
      }
    },
  );

  /** A download counts when it starts at the first byte; resuming a range does not count again. */
  const content =
    (head: boolean) => async (request: FastifyRequest<{ Params: { token: string } }>, reply: FastifyReply) => {
      const grantHeader = request.headers["x-share-grant"];
      const { share, file, version } = await shares.openShare(
        opts.shares,
        request.params.token,
        typeof grantHeader === "string" ? grantHeader : undefined,
      );
      return sendContent(request, reply, {
        storage: opts.storage,
        name: file.name,
        version,
        head,
        beforeBody: async (range) => {
          if (!range || range.start === 0) await shares.countDownload(opts.shares, share.id, file.name, request.id);
        },
      });
    };
  const schema = { params: Type.Object({ token: Token }), response: errors(400, 401, 404, 410, 416, 503) };
  app.get("/s/:token/content", { schema, exposeHeadRoute: false }, content(false));
  app.head("/s/:token/content", { schema }, content(true));
};
