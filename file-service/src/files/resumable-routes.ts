import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { Server } from "@tus/server";
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import type pg from "pg";
import Type from "typebox";
import { Errors } from "../errors.js";
import { FileResponse, errors, toFileResponse } from "../schemas.js";
import { findFile } from "./file-repository.js";
import { UPLOADS_PATH, handOver, uploadIdOf } from "./resumable-uploads.js";

const Segment = Type.String({ pattern: "^[A-Za-z0-9-]{1,100}~[0-9a-f-]{36}$" });

/** The tus endpoints behind the JWT, each upload reachable only by its owner, and its completion status. */
export const resumableRoutes: FastifyPluginAsyncTypebox<{
  tus: Server;
  pool: pg.Pool;
  authenticate: preHandlerAsyncHookHandler;
  onFinishedChunk: () => void;
}> = async (app, opts) => {
  // tus reads the request body itself, as a stream: Fastify must leave it untouched.
  app.addContentTypeParser("application/offset+octet-stream", (_request, _payload, done) => done(null));
  app.addHook("preHandler", opts.authenticate);

  async function toTus(request: FastifyRequest<{ Params: { id?: string } }>, reply: FastifyReply) {
    const customerId = request.verifiedCustomer.customerId;
    if (request.params.id && !uploadIdOf(request.params.id).startsWith(`${customerId}/`)) {
      throw Errors.notFound("Upload");
    }
    reply.hijack();
    await handOver(opts.tus, request.raw, reply.raw, customerId, request.id);
    if (request.method === "PATCH") opts.onFinishedChunk();
  }

  app.route({ method: ["POST", "OPTIONS"], url: UPLOADS_PATH, handler: toTus });
  app.route({
    method: ["HEAD", "PATCH", "DELETE", "OPTIONS"],
    url: `${UPLOADS_PATH}/:id`,
    schema: { params: Type.Object({ id: Segment }) },
    handler: toTus,
  });

  app.get(
    `${UPLOADS_PATH}/:id/status`,
    {
      schema: {
        params: Type.Object({ id: Segment }),
        response: {
          200: Type.Object({
            state: Type.Enum(["uploading", "processing", "done", "failed"]),
            file: Type.Optional(FileResponse),
            errorCode: Type.Optional(Type.String()),
          }),
          ...errors(400, 401, 404),
        },
      },
    },
    async (request) => {
      const customerId = request.verifiedCustomer.customerId;
      const { rows } = await opts.pool.query(
        "SELECT state, file_id, error_code FROM resumable_uploads WHERE id = $1 AND customer_id = $2",
        [uploadIdOf(request.params.id), customerId],
      );
      const row = rows[0];
      if (!row) throw Errors.notFound("Upload");
      const file = row.file_id ? await findFile(opts.pool, customerId, row.file_id) : undefined;
      return {
        state: row.state,
        ...(file && { file: toFileResponse(file) }),
        ...(row.error_code && { errorCode: row.error_code }),
      };
    },
  );
};
