import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import Type from "typebox";
import { errorResponses } from "../errors.js";
import { type CustomerRoutes, Uuid, contextOf, documented } from "../http.js";
import { FolderResponse, toFolderResponse } from "./folder-schemas.js";
import * as folders from "./folder-service.js";

const foldersDoc = documented("folders");

/**
 * Creating, renaming and moving folders. What a folder holds is listed by files/, zipped by
 * downloads/ and trashed by trash/.
 */
export const folderRoutes: FastifyPluginAsyncTypebox<CustomerRoutes<folders.FolderDeps>> = async (
  app,
  { deps, authenticate },
) => {
  app.addHook("preHandler", authenticate);

  app.post(
    "/folders",
    {
      schema: {
        ...foldersDoc,
        summary: "Create a folder (in the root when no parent is given)",
        body: Type.Object(
          { name: Type.String({ maxLength: 1024 }), parentId: Type.Optional(Uuid) },
          { additionalProperties: false },
        ),
        response: {
          201: FolderResponse,
          ...errorResponses("VALIDATION_FAILED", "INVALID_NAME", "UNAUTHORIZED", "FOLDER_NOT_FOUND", "NAME_TAKEN"),
        },
      },
    },
    async (request, reply) =>
      reply.code(201).send(toFolderResponse(await folders.createFolder(deps, contextOf(request), request.body))),
  );

  app.patch(
    "/folders/:id",
    {
      schema: {
        ...foldersDoc,
        summary: "Rename a folder or move it under another",
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          { name: Type.Optional(Type.String({ maxLength: 1024 })), parentId: Type.Optional(Uuid) },
          { additionalProperties: false },
        ),
        response: {
          200: FolderResponse,
          ...errorResponses(
            "VALIDATION_FAILED",
            "INVALID_NAME",
            "UNAUTHORIZED",
            "FOLDER_NOT_FOUND",
            "NAME_TAKEN",
            "FOLDER_CYCLE",
            "ROOT_FOLDER",
          ),
        },
      },
    },
    async (request) =>
      toFolderResponse(await folders.updateFolder(deps, contextOf(request), request.params.id, request.body)),
  );
};
