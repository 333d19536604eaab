import { PassThrough } from "node:stream";
import { documentOnly } from "@coffer/contracts";
import type { MultipartFile } from "@fastify/multipart";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import Type from "typebox";
import { Errors, errorResponses } from "../errors.js";
import {
  DownloadHeaders,
  FileResponse,
  PageOfFiles,
  Uuid,
  documented,
  downloadAnswers,
  toFileResponse,
} from "../schemas.js";
import { sendContent } from "./download.js";
import { watchBody } from "./idle-body.js";
import { findVersion, listVersions } from "./file-repository.js";
import * as files from "./file-service.js";
import type { FileStorage } from "./file-storage.js";
import { restoreVersion, uploadFile, type UploadDeps } from "./upload-service.js";

/** A generous bound on the multipart boundaries and part headers around the file. */
const MULTIPART_FRAMING_BYTES = 8 * 1024;

/** Versions are numbered in a PostgreSQL integer: a larger number is refused, not sent to the database. */
const VersionNumber = Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 });

const filesDoc = documented("files");
const versionsDoc = documented("versions");

/** The upload's body and headers: the route streams them itself, Fastify never parses them. */
const uploadRequest = documentOnly({
  body: {
    "multipart/form-data": Type.Object({
      file: Type.String({
        format: "binary",
        description: "The file; the part's filename and Content-Type become the file's name and type",
      }),
    }),
  },
  headers: Type.Object({
    "x-checksum-sha256": Type.Optional(
      Type.String({ description: "The content's SHA-256, 64 hex digits: a mismatch stores nothing" }),
    ),
    "repr-digest": Type.Optional(Type.String({ description: "Or the same as sha-256=:base64:" })),
  }),
});

export type FileRoutesOptions = {
  files: files.FileDeps;
  upload: UploadDeps;
  storage: FileStorage;
  authenticate: preHandlerAsyncHookHandler;
  /** How long an upload's body may send nothing before it is refused. */
  idleTimeoutMs: number;
};

const isFastifyError = (error: unknown) =>
  error instanceof Error && typeof (error as { statusCode?: unknown }).statusCode === "number";

/**
 * The upload's file part, its content a stream that fails with INVALID_MULTIPART when the body
 * does (truncated, a malformed part header) or when another file follows: the upload then
 * stores nothing, instead of keeping the first file and dropping the second unseen.
 */
async function theFilePart(request: FastifyRequest, fileSize: number, stalled: AbortSignal) {
  const parts = request.parts({ limits: { fileSize, files: 1 } });
  const refuse = (error: unknown): never => {
    // @fastify/multipart's own refusals carry a status; busboy's parse errors (no boundary, …) do not.
    throw isFastifyError(error) ? error : Errors.invalidMultipart(error);
  };
  const stall = new Promise<never>((_, reject) =>
    stalled.addEventListener("abort", () => reject(stalled.reason as Error), { once: true }),
  );
  stall.catch(() => undefined);
  const nextPart = () => Promise.race([parts.next(), stall]).catch(refuse);
  let next = await nextPart();
  while (!next.done && next.value.type !== "file") next = await nextPart();
  if (next.done) return undefined;
  const part = next.value as MultipartFile;
  const content = new PassThrough();
  stalled.addEventListener("abort", () => content.destroy(stalled.reason as Error), { once: true });
  // The body can fail before the upload reads it (while it checks the folder): the upload then
  // finds the error on the stream (pipeline checks `errored`), so no listener must crash the process.
  content.on("error", () => undefined);
  part.file.on("error", (error: Error) => content.destroy(Errors.invalidMultipart(error)));
  part.file.on("end", () => {
    void (async () => {
      for (let rest = await parts.next(); !rest.done; rest = await parts.next()) {
        if (rest.value.type === "file") throw new Error("send one file per request");
      }
    })().then(
      () => content.end(),
      (error: unknown) => content.destroy(Errors.invalidMultipart(error)),
    );
  });
  part.file.pipe(content, { end: false });
  return { filename: part.filename, mimetype: part.mimetype, content };
}

/** The checksum a client sent with an upload: `x-checksum-sha256` (hex) or `Repr-Digest: sha-256=:…:`. */
export function expectedChecksum(headers: FastifyRequest["headers"]): string | undefined {
  const hex = headers["x-checksum-sha256"];
  if (typeof hex === "string") {
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw Errors.badChecksumHeader();
    return hex.toLowerCase();
  }
  const digest = headers["repr-digest"];
  if (typeof digest === "string") {
    const match = /sha-256=:([A-Za-z0-9+/]{43}=):/.exec(digest);
    if (!match) throw Errors.badChecksumHeader();
    return Buffer.from(match[1]!, "base64").toString("hex");
  }
  return undefined;
}

export const fileRoutes: FastifyPluginAsyncTypebox<FileRoutesOptions> = async (app, opts) => {
  app.addHook("preHandler", opts.authenticate);
  const ctx = (request: FastifyRequest) => ({
    customerId: request.verifiedCustomer.customerId,
    correlationId: request.id,
  });

  app.post(
    "/files",
    {
      config: uploadRequest,
      schema: {
        ...filesDoc,
        summary: "Upload a file (a new version when the name exists in the folder), streamed as multipart/form-data",
        querystring: Type.Object({ folderId: Type.Optional(Uuid) }, { additionalProperties: false }),
        response: {
          201: FileResponse,
          ...errorResponses(
            "VALIDATION_FAILED",
            "FILE_REQUIRED",
            "INVALID_MULTIPART",
            "INVALID_CHECKSUM",
            "INVALID_NAME",
            "CHECKSUM_MISMATCH",
            "UNAUTHORIZED",
            "FOLDER_NOT_FOUND",
            "UPLOAD_TIMEOUT",
            "FILE_TOO_LARGE",
            "QUOTA_EXCEEDED",
            "TOO_MANY_UPLOADS",
            "STORAGE_UNAVAILABLE",
            "UPLOADS_BUSY",
          ),
        },
      },
    },
    async (request, reply) => {
      // A body that stalls fails the upload, which then gives everything back: an idle client is
      // answered (and its connection, holding the rest of a body it does not send, closed); a
      // vanished one is not, but its upload ends all the same instead of waiting forever.
      const stalled = new AbortController();
      const stopWatching = watchBody(request.raw, opts.idleTimeoutMs, (why) => {
        reply.header("connection", "close");
        stalled.abort(
          why === "idle"
            ? Errors.uploadTimeout(opts.idleTimeoutMs / 1000)
            : Errors.invalidMultipart(new Error("the connection closed before the body's end")),
        );
      });
      let part: Awaited<ReturnType<typeof theFilePart>> = undefined;
      try {
        part = await theFilePart(request, opts.upload.limits.maxFileSizeBytes + 1, stalled.signal);
        if (!part) throw Errors.noFile();
        let expectedSha256: string | undefined;
        try {
          expectedSha256 = expectedChecksum(request.headers);
        } catch (error) {
          part.content.resume(); // answer only once the body is read, or the client may never see it
          throw error;
        }
        const file = await uploadFile(opts.upload, {
          ...ctx(request),
          folderId: request.query.folderId,
          fileName: part.filename,
          contentType: part.mimetype,
          content: part.content,
          expectedSha256,
          announcedBytes: Number(request.headers["content-length"] ?? 0) - MULTIPART_FRAMING_BYTES,
        });
        return await reply.code(201).send(toFileResponse(file));
      } catch (error) {
        // Stopped mid-body (a limit, storage, an idle client): the rest of the body is never read,
        // so the connection cannot carry another request. The answer closes it.
        if (!request.raw.complete && part?.content.destroyed) reply.header("connection", "close");
        throw error;
      } finally {
        stopWatching();
      }
    },
  );

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
      const { files: found, nextCursor } = await files.listFiles(opts.files, ctx(request), request.query);
      return { files: found.map(toFileResponse), nextCursor };
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
    async (request) => toFileResponse(await files.getFile(opts.files, ctx(request), request.params.id)),
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
      toFileResponse(await files.updateFile(opts.files, ctx(request), request.params.id, request.body)),
  );

  app.delete(
    "/files/:id",
    {
      schema: {
        ...filesDoc,
        summary: "Move a file to the trash",
        params: Type.Object({ id: Uuid }),
        response: { 204: Type.Null(), ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "FILE_NOT_FOUND") },
      },
    },
    async (request, reply) => {
      await files.trashFile(opts.files, ctx(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/files/:id/versions",
    {
      schema: {
        ...versionsDoc,
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
      const file = await files.getFile(opts.files, ctx(request), request.params.id);
      const versions = await listVersions(opts.files.pool, file.id);
      return {
        versions: versions.map(({ objectKey: _key, createdAt, ...v }) => ({
          ...v,
          createdAt: createdAt.toISOString(),
        })),
      };
    },
  );

  const contentRoute =
    (head: boolean) => async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
      const file = await files.getFile(opts.files, ctx(request), request.params.id);
      const version = await findVersion(opts.files.pool, file.id, file.currentVersion);
      if (!version) throw Errors.notFound("Version");
      return sendContent(request, reply, { storage: opts.storage, name: file.name, version, head });
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
        ...versionsDoc,
        summary: "Download one version's content (Range, If-None-Match)",
        params: Type.Object({ id: Uuid, n: VersionNumber }),
        response: errorResponses(...contentErrors, "STORAGE_UNAVAILABLE"),
      },
    },
    async (request, reply) => {
      const file = await files.getFile(opts.files, ctx(request), request.params.id);
      const version = await findVersion(opts.files.pool, file.id, request.params.n);
      if (!version) throw Errors.notFound("Version");
      return sendContent(request, reply, { storage: opts.storage, name: file.name, version, head: false });
    },
  );

  app.post(
    "/files/:id/versions/:n/restore",
    {
      schema: {
        ...versionsDoc,
        summary: "Make an old version current again, as a new version",
        params: Type.Object({ id: Uuid, n: VersionNumber }),
        response: {
          201: FileResponse,
          ...errorResponses(
            "VALIDATION_FAILED",
            "UNAUTHORIZED",
            "FILE_NOT_FOUND",
            "VERSION_NOT_FOUND",
            "QUOTA_EXCEEDED",
            "STORAGE_UNAVAILABLE",
          ),
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(toFileResponse(await restoreVersion(opts.upload, ctx(request), request.params.id, request.params.n))),
  );
};
