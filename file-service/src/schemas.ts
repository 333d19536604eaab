import { BEARER_AUTH, type DocumentedAnswer } from "@coffer/contracts";
import Type from "typebox";
import type { FileRecord } from "./files/file-repository.js";
import type { FolderRecord } from "./folders/folder-service.js";

export const Uuid = Type.String({ format: "uuid" });

/** How a page of files is ordered and where it starts: shared by the files listing and the folder view. */
export const PageOfFiles = {
  sort: Type.Enum(["name", "size", "updatedAt"], { default: "name" }),
  order: Type.Enum(["asc", "desc"], { default: "asc" }),
  cursor: Type.Optional(Type.String({ maxLength: 1000 })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
};

export const FileResponse = Type.Object({
  id: Type.String(),
  folderId: Type.String(),
  name: Type.String(),
  size: Type.Integer(),
  contentType: Type.String(),
  sha256: Type.String(),
  version: Type.Integer(),
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
});

export const FolderResponse = Type.Object({
  id: Type.String(),
  parentId: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
});

export const toFileResponse = (f: FileRecord) => ({
  id: f.id,
  folderId: f.folderId,
  name: f.name,
  size: f.size,
  contentType: f.contentType,
  sha256: f.sha256,
  version: f.currentVersion,
  createdAt: f.createdAt.toISOString(),
  updatedAt: f.updatedAt.toISOString(),
});

export const toFolderResponse = (f: FolderRecord) => ({
  id: f.id,
  parentId: f.parentId,
  name: f.name,
  createdAt: f.createdAt.toISOString(),
  updatedAt: f.updatedAt.toISOString(),
});

/** The document's grouping of a feature's routes, with the token they need. */
export const documented = (tag: string) => ({ tags: [tag], security: BEARER_AUTH });

export const Binary = Type.String({ format: "binary" });

/** What a download may ask: one byte range, and the ETag the client already holds. */
export const DownloadHeaders = Type.Object({
  range: Type.Optional(
    Type.String({
      description: "One range, bytes=start-end or bytes=-suffix (206); several ranges get the whole file",
    }),
  ),
  "if-none-match": Type.Optional(Type.String({ description: "The ETag the client holds: 304 while it matches" })),
  "if-range": Type.Optional(
    Type.String({ description: "A resume's ETag: the range is served only of that version, else the whole file" }),
  ),
});

const ETag = Type.String({ description: "Strong, the content's SHA-256 in quotes" });
const ContentHeaders = {
  etag: ETag,
  "accept-ranges": Type.Literal("bytes"),
  "content-disposition": Type.String({ description: "attachment, with the file's name in any language (RFC 6266)" }),
  "content-length": Type.Integer(),
};

/** The answers a download streams itself: the content (none for HEAD), one range of it, or not modified. */
export function downloadAnswers({ body }: { body: boolean }): Record<number, DocumentedAnswer> {
  // The file's own type, whatever the uploader said it was.
  const content = body ? { content: { "*/*": Binary } } : {};
  return {
    200: { description: "The content, with the file's own Content-Type", headers: ContentHeaders, ...content },
    206: {
      description: "The requested range of the content",
      headers: { ...ContentHeaders, "content-range": Type.String({ description: "bytes start-end/size" }) },
      ...content,
    },
    304: { description: "Not modified: If-None-Match matches the ETag", headers: { etag: ETag } },
    416: { headers: { "content-range": Type.String({ description: "bytes */size" }) } },
  };
}
