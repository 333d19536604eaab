import { inTransaction, enqueueEvents, requireAdmin } from "@coffer/contracts";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import Type from "typebox";
import { ensureCustomer, getUsage, setQuota } from "../customers/customer-account.js";
import * as files from "../files/file-service.js";
import { FileResponse, Uuid, errors, toFileResponse } from "../schemas.js";
import { Errors } from "../errors.js";

/** The trash, the usage figures, and the admin's quota setting. */
export const trashRoutes: FastifyPluginAsyncTypebox<{
  files: files.FileDeps;
  authenticate: preHandlerAsyncHookHandler;
}> = async (app, opts) => {
  app.addHook("preHandler", opts.authenticate);
  const ctx = (request: FastifyRequest) => ({
    customerId: request.verifiedCustomer.customerId,
    correlationId: request.id,
  });

  app.get(
    "/trash",
    { schema: { response: { 200: Type.Object({ files: Type.Array(FileResponse) }), ...errors(401) } } },
    async (request) => ({ files: (await files.listTrash(opts.files, ctx(request))).map(toFileResponse) }),
  );

  app.post(
    "/trash/:id/restore",
    { schema: { params: Type.Object({ id: Uuid }), response: { 200: FileResponse, ...errors(400, 401, 404) } } },
    async (request) => toFileResponse(await files.restoreFile(opts.files, ctx(request), request.params.id)),
  );

  app.delete(
    "/trash/:id",
    { schema: { params: Type.Object({ id: Uuid }), response: { 204: Type.Null(), ...errors(400, 401, 404) } } },
    async (request, reply) => {
      await files.purgeFile(opts.files, ctx(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/usage",
    {
      schema: {
        response: {
          200: Type.Object({
            usedBytes: Type.Integer(),
            quotaBytes: Type.Integer(),
            fileCount: Type.Integer(),
            trashBytes: Type.Integer(),
          }),
          ...errors(401),
        },
      },
    },
    async (request) => {
      const { customerId } = ctx(request);
      await ensureCustomer(opts.files.pool, customerId, opts.files.defaultQuotaBytes);
      return getUsage(opts.files.pool, customerId);
    },
  );

  app.put(
    "/admin/customers/:id/quota",
    {
      preHandler: requireAdmin,
      schema: {
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }),
        body: Type.Object({ quotaBytes: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await inTransaction(opts.files.pool, async (tx) => {
        const events = await setQuota(tx, request.params.id, request.body.quotaBytes, request.id);
        if (!events) throw Errors.notFound("Customer");
        await enqueueEvents(tx, events);
      });
      return reply.code(204).send(null);
    },
  );
};
