import { inTransaction, enqueueEvents, requireAdmin } from "@coffer/contracts";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import Type from "typebox";
import { ensureCustomer, getUsage, setQuota } from "../customers/customer-account.js";
import * as files from "../files/file-service.js";
import { FileResponse, Uuid, documented, toFileResponse } from "../schemas.js";
import { Errors, errorResponses } from "../errors.js";

const trashDoc = documented("trash");

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
    {
      schema: {
        ...trashDoc,
        summary: "The files in the trash, most recently trashed first",
        response: { 200: Type.Object({ files: Type.Array(FileResponse) }), ...errorResponses("UNAUTHORIZED") },
      },
    },
    async (request) => ({ files: (await files.listTrash(opts.files, ctx(request))).map(toFileResponse) }),
  );

  app.post(
    "/trash/:id/restore",
    {
      schema: {
        ...trashDoc,
        summary: "Restore a file to its folder (or the root), renamed if its name is taken",
        params: Type.Object({ id: Uuid }),
        response: {
          200: FileResponse,
          ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "TRASH_ITEM_NOT_FOUND"),
        },
      },
    },
    async (request) => toFileResponse(await files.restoreFile(opts.files, ctx(request), request.params.id)),
  );

  app.delete(
    "/trash/:id",
    {
      schema: {
        ...trashDoc,
        summary: "Delete a trashed file for good, every version, and give its bytes back",
        params: Type.Object({ id: Uuid }),
        response: {
          204: Type.Null(),
          ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "TRASH_ITEM_NOT_FOUND"),
        },
      },
    },
    async (request, reply) => {
      await files.purgeFile(opts.files, ctx(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/usage",
    {
      schema: {
        ...documented("usage"),
        summary: "Bytes used (every version and the trash), the quota, the file count",
        response: {
          200: Type.Object({
            usedBytes: Type.Integer(),
            quotaBytes: Type.Integer(),
            fileCount: Type.Integer(),
            trashBytes: Type.Integer(),
          }),
          ...errorResponses("UNAUTHORIZED"),
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
        ...documented("admin"),
        summary: "Set a customer's storage quota",
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }),
        body: Type.Object(
          // A JSON number is exact up to 2^53 - 1; PostgreSQL's bigint goes further.
          { quotaBytes: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }) },
          { additionalProperties: false },
        ),
        response: {
          204: Type.Null(),
          ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "FORBIDDEN", "CUSTOMER_NOT_FOUND"),
        },
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
