import { documentOnly } from "@coffer/contracts";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import Type from "typebox";
import { errorResponses } from "../errors.js";
import * as files from "../files/file-service.js";
import {
  Binary,
  FileResponse,
  PageOfFiles,
  FolderResponse,
  Uuid,
  documented,
  toFileResponse,
  toFolderResponse,
} from "../schemas.js";
import type { FileStorage } from "../files/file-storage.js";
import { contentDisposition } from "../files/download.js";
import { streamFolderArchive } from "./folder-archive.js";
import * as folders from "./folder-service.js";

const foldersDoc = documented("folders");

/** The archive is written straight to the socket: only the document can say what it is. */
const archiveAnswer = documentOnly({
  responses: {
    200: {
      description: "A zip of the folder and its subfolders' current files, streamed as it is built (zip64 past 4 GiB)",
      headers: { "content-disposition": Type.String({ description: "attachment; <folder name>.zip" }) },
      content: { "application/zip": Binary },
    },
  },
});

export const folderRoutes: FastifyPluginAsyncTypebox<{
  folders: folders.FolderDeps;
  files: files.FileDeps;
  storage: FileStorage;
  authenticate: preHandlerAsyncHookHandler;
}> = async (app, opts) => {
  app.addHook("preHandler", opts.authenticate);
  const ctx = (request: FastifyRequest) => ({
    customerId: request.verifiedCustomer.customerId,
    correlationId: request.id,
  });

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
      reply.code(201).send(toFolderResponse(await folders.createFolder(opts.folders, ctx(request), request.body))),
  );

  /** A folder with its subfolders and a page of its files (sortable, cursor-paginated); `root` names the root. */
  app.get(
    "/folders/:id",
    {
      schema: {
        ...foldersDoc,
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
      const c = ctx(request);
      const id =
        request.params.id === "root" ? await folders.rootFolderId(opts.folders, c.customerId) : request.params.id;
      const folder = await folders.getFolder(opts.folders, c, id);
      const page = await files.listFiles(opts.files, c, { ...request.query, folderId: folder.id });
      return {
        folder: toFolderResponse(folder),
        folders: request.query.cursor
          ? []
          : (await folders.childFolders(opts.folders, c, folder.id)).map(toFolderResponse),
        files: page.files.map(toFileResponse),
        nextCursor: page.nextCursor,
      };
    },
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
      toFolderResponse(await folders.updateFolder(opts.folders, ctx(request), request.params.id, request.body)),
  );

  app.delete(
    "/folders/:id",
    {
      schema: {
        ...foldersDoc,
        summary: "Move a folder and everything under it to the trash",
        params: Type.Object({ id: Uuid }),
        response: {
          204: Type.Null(),
          ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "FOLDER_NOT_FOUND", "ROOT_FOLDER"),
        },
      },
    },
    async (request, reply) => {
      await folders.trashFolder(opts.folders, ctx(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  /** A zip of the folder, streamed as it is built: no size limit, no buffering, no timeout. */
  app.get(
    "/folders/:id/archive",
    {
      config: archiveAnswer,
      schema: {
        ...foldersDoc,
        summary: "Download a folder (or root) as a zip",
        params: Type.Object({ id: Type.Union([Uuid, Type.Literal("root")]) }),
        response: errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "FOLDER_NOT_FOUND"),
      },
    },
    async (request, reply) => {
      const c = ctx(request);
      const id =
        request.params.id === "root" ? await folders.rootFolderId(opts.folders, c.customerId) : request.params.id;
      const folder = await folders.getFolder(opts.folders, c, id);
      reply.hijack();
      reply.raw.writeHead(200, {
        "content-type": "application/zip",
        "content-disposition": contentDisposition(`${folder.name || "Coffer"}.zip`),
        "x-content-type-options": "nosniff",
        "x-correlation-id": request.id,
      });
      try {
        await streamFolderArchive({ pool: opts.files.pool, storage: opts.storage }, c.customerId, folder.id, reply.raw);
      } catch (err) {
        // The archive has cut the stream (headers are gone), so the client sees a broken zip, not a good one.
        if ((err as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE") {
          request.log.info("archive download abandoned by the client");
        } else {
          request.log.error({ err }, "archive failed");
          reply.raw.destroy(err as Error);
        }
      }
    },
  );
};
