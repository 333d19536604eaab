import { fileApi, unwrap } from "@/lib/api/clients";
import type { paths } from "@/lib/api/generated/file-service";

export type FolderPage = paths["/folders/{id}"]["get"]["responses"][200]["content"]["application/json"];
export type FileEntry = FolderPage["files"][number];
export type FolderEntry = FolderPage["folders"][number];
export type Version =
  paths["/files/{id}/versions"]["get"]["responses"][200]["content"]["application/json"]["versions"][number];
export type SortKey = "name" | "size" | "updatedAt";
export type Sorting = { sort: SortKey; order: "asc" | "desc" };

const PAGE_SIZE = 200;

export const folderPage = (id: string, sorting: Sorting, cursor: string | undefined) =>
  unwrap(fileApi.GET("/folders/{id}", { params: { path: { id }, query: { ...sorting, limit: PAGE_SIZE, cursor } } }));

export const searchPage = (q: string, sorting: Sorting, cursor: string | undefined) =>
  unwrap(fileApi.GET("/files", { params: { query: { q, ...sorting, limit: PAGE_SIZE, cursor } } }));

export const createFolder = (name: string, parentId: string) =>
  unwrap(fileApi.POST("/folders", { body: { name, parentId } }));

export const updateFolder = (id: string, change: { name?: string; parentId?: string }) =>
  unwrap(fileApi.PATCH("/folders/{id}", { params: { path: { id } }, body: change }));

export const trashFolder = (id: string) => unwrap(fileApi.DELETE("/folders/{id}", { params: { path: { id } } }));

export const updateFile = (id: string, change: { name?: string; folderId?: string }) =>
  unwrap(fileApi.PATCH("/files/{id}", { params: { path: { id } }, body: change }));

export const trashFile = (id: string) => unwrap(fileApi.DELETE("/files/{id}", { params: { path: { id } } }));

export const listVersions = (id: string) =>
  unwrap(fileApi.GET("/files/{id}/versions", { params: { path: { id } } })).then((r) => r.versions);

export const restoreVersion = (id: string, n: number) =>
  unwrap(fileApi.POST("/files/{id}/versions/{n}/restore", { params: { path: { id, n } } }));

/** The folders from the root down to this one (the root first), for the breadcrumbs. */
export async function folderPath(folder: FolderEntry): Promise<FolderEntry[]> {
  const path = [folder];
  let parentId = folder.parentId;
  while (parentId) {
    const { folder: parent } = await unwrap(
      fileApi.GET("/folders/{id}", {
        params: { path: { id: parentId }, query: { sort: "name", order: "asc", limit: 1 } },
      }),
    );
    path.unshift(parent);
    parentId = parent.parentId;
  }
  return path;
}
