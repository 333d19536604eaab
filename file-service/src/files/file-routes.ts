import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import Type from "typebox";
import { errorResponses } from "../errors.js";
import { FolderResponse, toFolderResponse } from "../folders/folder-schemas.js";
import { type CustomerRoutes, Uuid, contextOf, documented } from "../http.js";
import { FileResponse, PageOfFiles, toFileResponse } from "./file-schemas.js";
import * as files from "./file-service.js";

const filesDoc = documented("files");

/** Files' metadata: the listings (a search, a folder's content), renames and moves, versions. */
export const fileRoutes: FastifyPluginAsyncTypebox<CustomerRoutes<files.FileDeps>> = async (
  app,
  { deps, authenticate },
) => {
  app.addHook("preHandler", authenticate);

  app.get(
    "/files",
    {
      schema: {
        ...filesDoc,
        summary: "Files of a folder, or found by name anywhere, a sorted page at a time",
        querystring: Type.Object(
          {
            folderId: Type.Optional(Uuid),
            q: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
            ...PageOfFiles,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ files: Type.Array(FileResponse), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
          ...errorResponses("VALIDATION_FAILED", "INVALID_CURSOR", "UNAUTHORIZED"),
        },
      },
    },
    async (request) => {
      const { files: found, nextCursor } = await files.listFiles(deps, contextOf(request), request.query);
      return { files: found.map(toFileResponse), nextCursor };
    },
  );

  app.get(
    "/folders/:id",
    {
      schema: {
        ...documented("folders"),
        summary: "A folder (or root) with its subfolders and a sorted page of its files",
        params: Type.Object({ id: Type.Union([Uuid, Type.Literal("root")]) }),
        querystring: Type.Object(
          {
            ...PageOfFiles,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            folder: FolderResponse,
            folders: Type.Array(FolderResponse),
            files: Type.Array(FileResponse),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses("VALIDATION_FAILED", "INVALID_CURSOR", "UNAUTHORIZED", "FOLDER_NOT_FOUND"),
        },
      },
    },
    async (request) => {
      const view = await files.viewFolder(deps, contextOf(request), request.params.id, request.query);
      return {
        folder: toFolderResponse(view.folder),
        folders: view.folders.map(toFolderResponse),
        files: view.files.map(toFileResponse),
        nextCursor: view.nextCursor,
      };
    },
  );

  app.get(
    "/files/:id",
    {
      schema: {
        ...filesDoc,
        summary: "A file",
        params: Type.Object({ id: Uuid }),
        response: { 200: FileResponse, ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "FILE_NOT_FOUND") },
      },
    },
    async (request) => toFileResponse(await files.getFile(deps, contextOf(request), request.params.id)),
  );

  app.patch(
    "/files/:id",
    {
      schema: {
        ...filesDoc,
        summary: "Rename a file or move it to another folder",
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          { name: Type.Optional(Type.String({ maxLength: 1024 })), folderId: Type.Optional(Uuid) },
          { additionalProperties: false },
        ),
        response: {
          200: FileResponse,
          ...errorResponses(
            "VALIDATION_FAILED",
            "INVALID_NAME",
            "UNAUTHORIZED",
            "FILE_NOT_FOUND",
            "FOLDER_NOT_FOUND",
            "NAME_TAKEN",
          ),
        },
      },
    },
    async (request) =>
      toFileResponse(await files.updateFile(deps, contextOf(request), request.params.id, request.body)),
  );

  app.get(
    "/files/:id/versions",
    {
      schema: {
        ...documented("versions"),
        summary: "A file's versions, newest kept first",
        params: Type.Object({ id: Uuid }),
        response: {
          200: Type.Object({
            versions: Type.Array(
              Type.Object({
                version: Type.Integer(),
                size: Type.Integer(),
                contentType: Type.String(),
                sha256: Type.String(),
                createdAt: Type.String(),
              }),
            ),
          }),
          ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "FILE_NOT_FOUND"),
        },
      },
    },
    async (request) => {
      const versions = await files.listFileVersions(deps, contextOf(request), request.params.id);
      return {
        versions: versions.map(({ objectKey: _key, createdAt, ...v }) => ({
          ...v,
          createdAt: createdAt.toISOString(),
        })),
      };
    },
  );
};
