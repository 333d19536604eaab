import { ErrorResponse } from "@coffer/contracts";
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

/** The error answers a route documents, by status. */
export const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, ErrorResponse]));
