import { documentOnly } from "@coffer/contracts/http";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import Type from "typebox";
import { errorResponses } from "../errors.js";
import { VersionNumber } from "../files/file-schemas.js";
import { getFileVersion, type FileDeps } from "../files/file-service.js";
import { getFolder } from "../folders/folder-service.js";
import { Binary, type CustomerRoutes, Uuid, contextOf, documented } from "../http.js";
import type { FileStorage } from "../storage/file-storage.js";
import { DownloadHeaders, downloadAnswers } from "./download-schemas.js";
import { streamFolderArchive } from "./folder-archive.js";
import { contentDisposition, sendContent } from "./send-content.js";

const filesDoc = documented("files");

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

/** The owner's downloads: a file's content (current or any version kept), a folder as a zip. */
export const downloadRoutes: FastifyPluginAsyncTypebox<CustomerRoutes<FileDeps & { storage: FileStorage }>> = async (
  app,
  { deps, authenticate },
) => {
  app.addHook("preHandler", authenticate);

  const contentRoute =
    (head: boolean) => async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
      const { file, version } = await getFileVersion(deps, contextOf(request), request.params.id);
      return sendContent(request, reply, { storage: deps.storage, name: file.name, version, head });
    };
  const contentErrors = [
    "VALIDATION_FAILED",
    "UNAUTHORIZED",
    "FILE_NOT_FOUND",
    "VERSION_NOT_FOUND",
    "RANGE_NOT_SATISFIABLE",
  ] as const;
  app.get(
    "/files/:id/content",
    {
      exposeHeadRoute: false,
      config: documentOnly({ headers: DownloadHeaders, responses: downloadAnswers({ body: true }) }),
      schema: {
        ...filesDoc,
        summary: "Download a file's current content (Range, If-None-Match)",
        params: Type.Object({ id: Uuid }),
        response: errorResponses(...contentErrors, "STORAGE_UNAVAILABLE"),
      },
    },
    contentRoute(false),
  );
  app.head(
    "/files/:id/content",
    {
      config: {
        swagger: { exposeHeadRoute: true },
        ...documentOnly({ headers: DownloadHeaders, responses: downloadAnswers({ body: false }) }),
      },
      schema: {
        ...filesDoc,
        summary: "A download's headers without its content",
        params: Type.Object({ id: Uuid }),
        response: errorResponses(...contentErrors),
      },
    },
    contentRoute(true),
  );

  app.get(
    "/files/:id/versions/:n/content",
    {
      config: documentOnly({ headers: DownloadHeaders, responses: downloadAnswers({ body: true }) }),
      schema: {
        ...documented("versions"),
        summary: "Download one version's content (Range, If-None-Match)",
        params: Type.Object({ id: Uuid, n: VersionNumber }),
        response: errorResponses(...contentErrors, "STORAGE_UNAVAILABLE"),
      },
    },
    async (request, reply) => {
      const { file, version } = await getFileVersion(deps, contextOf(request), request.params.id, request.params.n);
      return sendContent(request, reply, { storage: deps.storage, name: file.name, version, head: false });
    },
  );

  /** A zip of the folder, streamed as it is built: no size limit, no buffering, no timeout. */
  app.get(
    "/folders/:id/archive",
    {
      config: archiveAnswer,
      schema: {
        ...documented("folders"),
        summary: "Download a folder (or root) as a zip",
        params: Type.Object({ id: Type.Union([Uuid, Type.Literal("root")]) }),
        response: errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "FOLDER_NOT_FOUND"),
      },
    },
    async (request, reply) => {
      const { customerId } = contextOf(request);
      const folder = await getFolder(deps, contextOf(request), request.params.id);
      reply.hijack();
      reply.raw.writeHead(200, {
        "content-type": "application/zip",
        "content-disposition": contentDisposition(`${folder.name || "Coffer"}.zip`),
        "x-content-type-options": "nosniff",
        "x-correlation-id": request.id,
      });
      try {
        await streamFolderArchive(deps, customerId, folder.id, reply.raw);
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
