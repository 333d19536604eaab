import type {} from "@fastify/multipart";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import Type from "typebox";
import { Errors } from "../errors.js";
import { FileResponse, PageOfFiles, Uuid, errors, toFileResponse } from "../schemas.js";
import { sendContent } from "./download.js";
import { findVersion, listVersions } from "./file-repository.js";
import * as files from "./file-service.js";
import type { FileStorage } from "./file-storage.js";
import { restoreVersion, uploadFile, type UploadDeps } from "./upload-service.js";

/** A generous bound on the multipart boundaries and part headers around the file. */
const MULTIPART_FRAMING_BYTES = 8 * 1024;

export type FileRoutesOptions = {
  files: files.FileDeps;
  upload: UploadDeps;
  storage: FileStorage;
  authenticate: preHandlerAsyncHookHandler;
};

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
      schema: {
        querystring: Type.Object({ folderId: Type.Optional(Uuid) }, { additionalProperties: false }),
        response: { 201: FileResponse, ...errors(400, 401, 404, 413, 503) },
      },
    },
    async (request, reply) => {
      const part = await request.file({ limits: { fileSize: opts.upload.limits.maxFileSizeBytes + 1, files: 1 } });
      if (!part) throw Errors.noFile();
      let expectedSha256: string | undefined;
      try {
        expectedSha256 = expectedChecksum(request.headers);
      } catch (error) {
        part.file.resume(); // answer only once the body is read, or the client may never see it
        throw error;
      }
      const file = await uploadFile(opts.upload, {
        ...ctx(request),
        folderId: request.query.folderId,
        fileName: part.filename,
        contentType: part.mimetype,
        content: part.file,
        expectedSha256,
        announcedBytes: Number(request.headers["content-length"] ?? 0) - MULTIPART_FRAMING_BYTES,
      });
      return reply.code(201).send(toFileResponse(file));
    },
  );

  app.get(
    "/files",
    {
      schema: {
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
          ...errors(400, 401),
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
    { schema: { params: Type.Object({ id: Uuid }), response: { 200: FileResponse, ...errors(400, 401, 404) } } },
    async (request) => toFileResponse(await files.getFile(opts.files, ctx(request), request.params.id)),
  );

  app.patch(
    "/files/:id",
    {
      schema: {
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          { name: Type.Optional(Type.String({ maxLength: 1024 })), folderId: Type.Optional(Uuid) },
          { additionalProperties: false },
        ),
        response: { 200: FileResponse, ...errors(400, 401, 404, 409) },
      },
    },
    async (request) =>
      toFileResponse(await files.updateFile(opts.files, ctx(request), request.params.id, request.body)),
  );

  app.delete(
    "/files/:id",
    { schema: { params: Type.Object({ id: Uuid }), response: { 204: Type.Null(), ...errors(400, 401, 404) } } },
    async (request, reply) => {
      await files.trashFile(opts.files, ctx(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/files/:id/versions",
    {
      schema: {
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
          ...errors(400, 401, 404),
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
  const contentSchema = { params: Type.Object({ id: Uuid }), response: errors(400, 401, 404, 416, 503) };
  app.get("/files/:id/content", { schema: contentSchema, exposeHeadRoute: false }, contentRoute(false));
  app.head("/files/:id/content", { schema: contentSchema }, contentRoute(true));

  app.get(
    "/files/:id/versions/:n/content",
    {
      schema: {
        params: Type.Object({ id: Uuid, n: Type.Integer({ minimum: 1 }) }),
        response: errors(400, 401, 404, 416, 503),
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
        params: Type.Object({ id: Uuid, n: Type.Integer({ minimum: 1 }) }),
        response: { 201: FileResponse, ...errors(400, 401, 404, 413, 503) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(toFileResponse(await restoreVersion(opts.upload, ctx(request), request.params.id, request.params.n))),
  );
};
