import Type from "typebox";
import type { FolderRecord } from "./folder-repository.js";

export const FolderResponse = Type.Object({
  id: Type.String(),
  parentId: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
});

export const toFolderResponse = (f: FolderRecord) => ({
  id: f.id,
  parentId: f.parentId,
  name: f.name,
  createdAt: f.createdAt.toISOString(),
  updatedAt: f.updatedAt.toISOString(),
});
