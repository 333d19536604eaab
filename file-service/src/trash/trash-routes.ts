import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import Type from "typebox";
import { errorResponses } from "../errors.js";
import { FileResponse, toFileResponse } from "../files/file-schemas.js";
import { type CustomerRoutes, Uuid, contextOf, documented } from "../http.js";
import * as trash from "./trash-service.js";

const trashDoc = documented("trash");

const TrashItem = Type.Object({
  ...FileResponse.properties,
  trashedAt: Type.String({ format: "date-time" }),
  purgeAt: Type.String({
    format: "date-time",
    description: "When its retention ends: the hourly sweep deletes it for good within the hour after",
  }),
});

/** Into the trash (a file, a folder with everything under it), what it holds, and out of it again or for good. */
export const trashRoutes: FastifyPluginAsyncTypebox<CustomerRoutes<trash.TrashDeps>> = async (
  app,
  { deps, authenticate },
) => {
  app.addHook("preHandler", authenticate);

  app.delete(
    "/files/:id",
    {
      schema: {
        ...documented("files"),
        summary: "Move a file to the trash",
        params: Type.Object({ id: Uuid }),
        response: { 204: Type.Null(), ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "FILE_NOT_FOUND") },
      },
    },
    async (request, reply) => {
      await trash.trashFile(deps, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    "/folders/:id",
    {
      schema: {
        ...documented("folders"),
        summary: "Move a folder and everything under it to the trash",
        params: Type.Object({ id: Uuid }),
        response: {
          204: Type.Null(),
          ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "FOLDER_NOT_FOUND", "ROOT_FOLDER"),
        },
      },
    },
    async (request, reply) => {
      await trash.trashFolder(deps, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/trash",
    {
      schema: {
        ...trashDoc,
        summary: "The files in the trash, most recently trashed first",
        response: { 200: Type.Object({ files: Type.Array(TrashItem) }), ...errorResponses("UNAUTHORIZED") },
      },
    },
    async (request) => ({
      files: (await trash.listTrash(deps, contextOf(request))).map(({ file, trashedAt, purgeAt }) => ({
        ...toFileResponse(file),
        trashedAt: trashedAt.toISOString(),
        purgeAt: purgeAt.toISOString(),
      })),
    }),
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
    async (request) => toFileResponse(await trash.restoreFile(deps, contextOf(request), request.params.id)),
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
      await trash.purgeFile(deps, contextOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};
