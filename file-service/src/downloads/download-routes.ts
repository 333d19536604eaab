import { documentOnly } from "@coffer/contracts/http";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import Type from "typebox";
import { errorResponses } from "../errors.js";
import { VersionNumber } from "../files/file-schemas.js";
import { getFileVersion } from "../files/file-service.js";
import { getFolder } from "../folders/folder-service.js";
import { Binary, type CustomerRoutes, Uuid, contextOf, documented } from "../http.js";
import type { FileStorage } from "../storage/file-storage.js";
import { DownloadHeaders, downloadAnswers } from "./download-schemas.js";
import { streamFolderArchive } from "./folder-archive.js";
import { contentDisposition, sendContent } from "./send-content.js";
import { issueDownloadTicket, redeemDownloadTicket, type TicketDeps } from "./ticket-service.js";

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

/** The owner's downloads: a file's content (current or any version kept), a folder as a zip, a download ticket. */
export const downloadRoutes: FastifyPluginAsyncTypebox<
  CustomerRoutes<TicketDeps & { storage: FileStorage }> & {
    /** Redirect the content to the store for this long (OWNER_DOWNLOAD_REDIRECT), when set. */
    redirectSeconds?: number;
  }
> = async (app, { deps, authenticate, redirectSeconds }) => {
  app.addHook("preHandler", authenticate);

  const contentRoute =
    (head: boolean) => async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
      const { file, version } = await getFileVersion(deps, contextOf(request), request.params.id);
      return sendContent(request, reply, { storage: deps.storage, name: file.name, version, head, redirectSeconds });
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
      config: documentOnly({ headers: DownloadHeaders, responses: downloadAnswers({ body: true, redirect: true }) }),
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
      config: documentOnly({ headers: DownloadHeaders, responses: downloadAnswers({ body: true, redirect: true }) }),
      schema: {
        ...documented("versions"),
        summary: "Download one version's content (Range, If-None-Match)",
        params: Type.Object({ id: Uuid, n: VersionNumber }),
        response: errorResponses(...contentErrors, "STORAGE_UNAVAILABLE"),
      },
    },
    async (request, reply) => {
      const { file, version } = await getFileVersion(deps, contextOf(request), request.params.id, request.params.n);
      return sendContent(request, reply, {
        storage: deps.storage,
        name: file.name,
        version,
        head: false,
        redirectSeconds,
      });
    },
  );

  app.post(
    "/files/:id/download-ticket",
    {
      schema: {
        ...filesDoc,
        summary: "A link that downloads the file (or one version) without a token, for 60 s: a native browser download",
        params: Type.Object({ id: Uuid }),
        querystring: Type.Object({
          version: Type.Optional({ ...VersionNumber, description: "The current version when absent" }),
        }),
        response: {
          201: Type.Object({
            url: Type.String({ description: "GET it (Range, If-None-Match) until expiresAt, as often as needed" }),
            expiresAt: Type.String({ format: "date-time" }),
          }),
          ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "FILE_NOT_FOUND", "VERSION_NOT_FOUND"),
        },
      },
    },
    async (request, reply) => {
      const ctx = { ...contextOf(request), sessionId: request.verifiedCustomer.sessionId };
      const ticket = await issueDownloadTicket(deps, ctx, request.params.id, request.query.version);
      return reply.code(201).send(ticket);
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

/** A download ticket's 32 random bytes, base64url: the shape logs mask in any path. */
const Ticket = Type.String({ pattern: "^[A-Za-z0-9_-]{43}$" });

/** The content a download ticket names, for whoever holds the link while it lasts: no token. */
export const ticketDownloadRoutes: FastifyPluginAsyncTypebox<{ deps: TicketDeps & { storage: FileStorage } }> = async (
  app,
  { deps },
) => {
  const errors = [
    "VALIDATION_FAILED",
    "DOWNLOAD_TICKET_NOT_FOUND",
    "DOWNLOAD_TICKET_EXPIRED",
    "FILE_NOT_FOUND",
    "VERSION_NOT_FOUND",
    "RANGE_NOT_SATISFIABLE",
  ] as const;
  const content =
    (head: boolean) => async (request: FastifyRequest<{ Params: { ticket: string } }>, reply: FastifyReply) => {
      const { file, version } = await redeemDownloadTicket(deps, request.params.ticket, request.id);
      return sendContent(request, reply, { storage: deps.storage, name: file.name, version, head });
    };
  app.get(
    "/downloads/:ticket",
    {
      exposeHeadRoute: false,
      config: documentOnly({ headers: DownloadHeaders, responses: downloadAnswers({ body: true }) }),
      schema: {
        tags: ["files"],
        summary: "Download what a download ticket names (Range, If-None-Match), as an attachment",
        params: Type.Object({ ticket: Ticket }),
        response: errorResponses(...errors, "STORAGE_UNAVAILABLE"),
      },
    },
    content(false),
  );
  app.head(
    "/downloads/:ticket",
    {
      config: {
        swagger: { exposeHeadRoute: true },
        ...documentOnly({ headers: DownloadHeaders, responses: downloadAnswers({ body: false }) }),
      },
      schema: {
        tags: ["files"],
        summary: "A ticket download's headers without its content",
        params: Type.Object({ ticket: Ticket }),
        response: errorResponses(...errors),
      },
    },
    content(true),
  );
};
