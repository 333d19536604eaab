import { PassThrough } from "node:stream";
import { documentOnly } from "@coffer/contracts/http";
import type { MultipartFile } from "@fastify/multipart";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import Type from "typebox";
import { Errors, errorResponses } from "../errors.js";
import { FileResponse, VersionNumber, toFileResponse } from "../files/file-schemas.js";
import { type CustomerRoutes, Uuid, contextOf, documented } from "../http.js";
import { watchBody } from "./idle-body.js";
import { restoreVersion, uploadFile, type UploadDeps } from "./upload-service.js";

/** A generous bound on the multipart boundaries and part headers around the file. */
const MULTIPART_FRAMING_BYTES = 8 * 1024;

const filesDoc = documented("files");

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
    "x-file-size": Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          "The file's exact size in bytes: it then streams to storage as it arrives, unbuffered; another size stores nothing",
      }),
    ),
  }),
});

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

/** The file's size the client announced in `x-file-size`, when it did. */
export function announcedFileSize(headers: FastifyRequest["headers"]): number | undefined {
  const size = headers["x-file-size"];
  if (size === undefined) return undefined;
  if (typeof size !== "string" || !/^\d{1,15}$/.test(size)) throw Errors.badFileSizeHeader();
  return Number(size);
}

/** What stores new content: a multipart upload, and an old version restored (a copy, counted as an upload). */
export const uploadRoutes: FastifyPluginAsyncTypebox<
  CustomerRoutes<UploadDeps> & {
    /** How long an upload's body may send nothing before it is refused. */
    idleTimeoutMs: number;
  }
> = async (app, opts) => {
  app.addHook("preHandler", opts.authenticate);

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
            "INVALID_FILE_SIZE",
            "INVALID_NAME",
            "CHECKSUM_MISMATCH",
            "SIZE_MISMATCH",
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
        part = await theFilePart(request, opts.deps.limits.maxFileSizeBytes + 1, stalled.signal);
        if (!part) throw Errors.noFile();
        let expectedSha256: string | undefined, exactBytes: number | undefined;
        try {
          expectedSha256 = expectedChecksum(request.headers);
          exactBytes = announcedFileSize(request.headers);
        } catch (error) {
          part.content.resume(); // answer only once the body is read, or the client may never see it
          throw error;
        }
        const file = await uploadFile(opts.deps, {
          ...contextOf(request),
          folderId: request.query.folderId,
          fileName: part.filename,
          contentType: part.mimetype,
          content: part.content,
          expectedSha256,
          announcedBytes: Number(request.headers["content-length"] ?? 0) - MULTIPART_FRAMING_BYTES,
          exactBytes,
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

  app.post(
    "/files/:id/versions/:n/restore",
    {
      schema: {
        ...documented("versions"),
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
        .send(toFileResponse(await restoreVersion(opts.deps, contextOf(request), request.params.id, request.params.n))),
  );
};
