import Type from "typebox";
import type { FileRecord } from "./file-repository.js";

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

/** Versions are numbered in a PostgreSQL integer: a larger number is refused, not sent to the database. */
export const VersionNumber = Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 });
