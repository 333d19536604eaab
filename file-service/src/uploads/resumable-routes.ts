import { randomUUID } from "node:crypto";
import { BEARER_AUTH, documentOnly, errorResponseOf, type DocumentedAnswer } from "@coffer/contracts/http";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { Server } from "@tus/server";
import type { FastifyReply, FastifyRequest } from "fastify";
import Type from "typebox";
import { Errors, errorResponses, type ErrorCode } from "../errors.js";
import { FileResponse, toFileResponse } from "../files/file-schemas.js";
import { Binary, type CustomerRoutes } from "../http.js";
import { watchBody } from "./idle-body.js";
import { UPLOADS_PATH, handOver, uploadIdOf, uploadStatus, type ResumableDeps } from "./resumable-uploads.js";

/** A chunk (PATCH) or a creation with its first chunk: what streams, and so takes an upload slot. */
const carriesContent = (request: FastifyRequest) =>
  request.method === "PATCH" ||
  (request.method === "POST" &&
    (Number(request.headers["content-length"] ?? 0) > 0 || request.headers["transfer-encoding"] !== undefined));

const Segment = Type.String({ pattern: "^[A-Za-z0-9-]{1,100}~[0-9a-f-]{36}$" });

// tus 1.0 (https://tus.io/protocols/resumable-upload) as @tus/server speaks it: its answers and
// its refusals (plain text; Coffer's own checks refuse with `{ code, message }`, sent as text too).
const uploadsDoc = { tags: ["uploads"], security: BEARER_AUTH };
const TusResumable = Type.Literal("1.0.0", { description: "The tus version, required on every request but OPTIONS" });
const UploadOffset = Type.Integer({ description: "Bytes received so far" });
const UploadExpires = Type.String({ description: "When an unfinished upload is abandoned (24 h after creation)" });
const Chunk = { "application/offset+octet-stream": Binary };
const tusMessage = (description: string, ...codes: ErrorCode[]): DocumentedAnswer => ({
  description,
  content: { "text/plain": codes.length > 0 ? Type.Union([errorResponseOf(codes), Type.String()]) : Type.String() },
});
const tusRefusals = {
  400: tusMessage("A tus header is malformed"),
  404: tusMessage("No such upload, or not this customer's"),
  410: tusMessage("The upload expired"),
  412: tusMessage("Tus-Resumable is missing"),
  423: tusMessage("Another request held the upload for too long; resume from its offset (HEAD)", "UPLOAD_LOCKED"),
};
const Metadata = Type.String({
  description:
    "Comma-separated `key base64(value)`: filename (required), filetype, folderId (default: root), sha256 (hex, checked on completion)",
});
const tusOptions = documentOnly({
  responses: {
    204: {
      description: "What the server supports",
      headers: {
        "tus-version": Type.Literal("1.0.0"),
        "tus-extension": Type.String({
          description: "creation,creation-with-upload,creation-defer-length,termination,expiration",
        }),
        "tus-max-size": Type.Integer({ description: "The largest file accepted, in bytes" }),
      },
    },
  },
});

/** The tus endpoints behind the JWT, each upload reachable only by its owner, and its completion status. */
export const resumableRoutes: FastifyPluginAsyncTypebox<
  CustomerRoutes<ResumableDeps> & {
    tus: Server;
    idleTimeoutMs: number;
    /** Called after each chunk: the last one queued its upload's completion. */
    onChunk: () => void;
  }
> = async (app, opts) => {
  // tus reads the request body itself, as a stream: Fastify must leave it untouched.
  app.addContentTypeParser("application/offset+octet-stream", (_request, _payload, done) => done(null));
  app.addHook("preHandler", opts.authenticate);

  async function toTus(request: FastifyRequest<{ Params: { id?: string } }>, reply: FastifyReply) {
    const customerId = request.verifiedCustomer.customerId;
    // The URL must be exactly the upload's Location: tus would otherwise find another id in
    // what follows the segment Fastify matched (a query, a fragment, an encoded slash).
    const segment = request.params.id;
    if (request.raw.url !== (segment ? `${UPLOADS_PATH}/${segment}` : UPLOADS_PATH)) throw Errors.invalidUploadUrl();
    const uploadId = segment ? uploadIdOf(segment) : `${customerId}/${randomUUID()}`;
    if (!uploadId.startsWith(`${customerId}/`)) throw Errors.notFound("Upload");
    const slot = carriesContent(request) ? await opts.deps.slots.open(customerId, 0) : undefined;
    // A body that stops arriving is cut off: tus keeps what it received, the client resumes from
    // there. (A connection that closes, tus notices itself.)
    const stopWatching = slot
      ? watchBody(request.raw, opts.idleTimeoutMs, (why) => {
          if (why !== "idle") return;
          request.log.info({ uploadId }, "an upload's body stalled: its connection is closed");
          request.raw.destroy();
        })
      : undefined;
    reply.hijack();
    try {
      await handOver(opts.tus, request.raw, reply.raw, { customerId, uploadId, correlationId: request.id });
    } finally {
      stopWatching?.();
      await slot?.release().catch((err: unknown) => request.log.warn({ err }, "releasing an upload slot failed"));
    }
    if (request.method === "PATCH") opts.onChunk();
  }

  app.post(
    UPLOADS_PATH,
    {
      config: documentOnly({
        headers: Type.Object({
          "tus-resumable": TusResumable,
          "upload-length": Type.Integer({ description: "The file's size; deferred lengths are refused" }),
          "upload-metadata": Metadata,
        }),
        body: Chunk,
        bodyOptional: true,
        responses: {
          201: {
            description:
              "Created; the length is reserved against the quota. With a first chunk as the body, its offset",
            headers: {
              location: Type.String({ description: "The upload's URL, relative: /files/uploads/{id}" }),
              "upload-offset": UploadOffset,
              "upload-expires": UploadExpires,
            },
          },
          400: tusMessage(
            "Upload-Length or Upload-Metadata missing or malformed",
            "LENGTH_REQUIRED",
            "INVALID_NAME",
            "INVALID_CHECKSUM",
          ),
          404: tusMessage("The folder of metadata folderId does not exist", "FOLDER_NOT_FOUND"),
          412: tusRefusals[412],
          413: tusMessage("Larger than the size limit, or than the quota left", "QUOTA_EXCEEDED"),
        },
      }),
      schema: {
        ...uploadsDoc,
        summary: "Create a resumable upload (tus creation, creation-with-upload)",
        response: errorResponses("INVALID_UPLOAD_URL", "UNAUTHORIZED", "TOO_MANY_UPLOADS", "UPLOADS_BUSY"),
      },
    },
    toTus,
  );

  app.options(
    UPLOADS_PATH,
    {
      config: tusOptions,
      schema: {
        ...uploadsDoc,
        summary: "The tus capabilities",
        response: errorResponses("INVALID_UPLOAD_URL", "UNAUTHORIZED"),
      },
    },
    toTus,
  );

  const params = Type.Object({ id: Segment });
  const uploadErrors = errorResponses("VALIDATION_FAILED", "INVALID_UPLOAD_URL", "UNAUTHORIZED", "UPLOAD_NOT_FOUND");
  const chunkErrors = errorResponses(
    "VALIDATION_FAILED",
    "INVALID_UPLOAD_URL",
    "UNAUTHORIZED",
    "UPLOAD_NOT_FOUND",
    "TOO_MANY_UPLOADS",
    "UPLOADS_BUSY",
  );

  app.head(
    `${UPLOADS_PATH}/:id`,
    {
      config: {
        swagger: { exposeHeadRoute: true },
        ...documentOnly({
          headers: Type.Object({ "tus-resumable": TusResumable }),
          responses: {
            200: {
              description: "Where to resume",
              headers: {
                "upload-offset": UploadOffset,
                "upload-length": Type.Integer(),
                "upload-metadata": Metadata,
                "cache-control": Type.Literal("no-store"),
              },
            },
            ...tusRefusals,
          },
        }),
      },
      schema: { ...uploadsDoc, summary: "The upload's offset, to resume it", params, response: uploadErrors },
    },
    toTus,
  );

  app.patch(
    `${UPLOADS_PATH}/:id`,
    {
      config: documentOnly({
        headers: Type.Object({
          "tus-resumable": TusResumable,
          "upload-offset": Type.Integer({ description: "Where this chunk starts: the offset HEAD gave" }),
        }),
        body: Chunk,
        responses: {
          204: {
            description: "The chunk is stored. After the last one the file is completed in the background",
            headers: {
              "upload-offset": UploadOffset,
              "upload-expires": UploadExpires,
              "coffer-upload-status": Type.String({ description: "After the last chunk: the URL of its status" }),
            },
          },
          403: tusMessage("Upload-Offset or Content-Type is missing"),
          409: tusMessage("Upload-Offset is not the upload's offset"),
          413: tusMessage("The chunk goes past Upload-Length"),
          ...tusRefusals,
        },
      }),
      schema: { ...uploadsDoc, summary: "Send the next chunk", params, response: chunkErrors },
    },
    toTus,
  );

  app.delete(
    `${UPLOADS_PATH}/:id`,
    {
      config: documentOnly({
        headers: Type.Object({ "tus-resumable": TusResumable }),
        responses: { 204: { description: "Abandoned; the reservation is given back" }, ...tusRefusals },
      }),
      schema: { ...uploadsDoc, summary: "Abandon an upload (tus termination)", params, response: uploadErrors },
    },
    toTus,
  );

  app.options(
    `${UPLOADS_PATH}/:id`,
    { config: tusOptions, schema: { ...uploadsDoc, summary: "The tus capabilities", params, response: uploadErrors } },
    toTus,
  );

  app.get(
    `${UPLOADS_PATH}/:id/status`,
    {
      schema: {
        ...uploadsDoc,
        summary: "Whether a finished upload became a file, or why not",
        params,
        response: {
          200: Type.Object({
            state: Type.Enum(["uploading", "processing", "done", "failed"]),
            file: Type.Optional(FileResponse),
            errorCode: Type.Optional(Type.String({ description: "Why it failed: CHECKSUM_MISMATCH, EXPIRED" })),
          }),
          ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "UPLOAD_NOT_FOUND"),
        },
      },
    },
    async (request) => {
      const status = await uploadStatus(opts.deps, request.verifiedCustomer.customerId, uploadIdOf(request.params.id));
      return {
        state: status.state,
        ...(status.file && { file: toFileResponse(status.file) }),
        ...(status.errorCode && { errorCode: status.errorCode }),
      };
    },
  );
};
