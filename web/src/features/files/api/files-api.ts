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

/**
 * Starts the browser's own download of a file (or one version), streamed to disk at any size: a
 * link with a ticket file-service gives for a minute stands for the token, which a link cannot carry.
 */
export async function downloadFile(id: string, version?: number): Promise<void> {
  const { url } = await unwrap(
    fileApi.POST("/files/{id}/download-ticket", { params: { path: { id }, query: { version } } }),
  );
  const link = document.createElement("a");
  link.href = url;
  document.body.append(link);
  link.click();
  link.remove();
}

/** A folder where something can be moved, with its path for the eye. */
export type FolderChoice = { id: string; path: string[] };

/** At most this many folders are offered in the "Move to…" dialog (one request each). */
const MAX_FOLDER_CHOICES = 500;

/** Every folder, the root first, each after its parent, except `excluded` and what is under it. */
export async function folderChoices(excluded?: string): Promise<FolderChoice[]> {
  const choices: FolderChoice[] = [];
  const queue: { id: string; path: string[] }[] = [{ id: "root", path: [] }];
  while (queue.length > 0 && choices.length < MAX_FOLDER_CHOICES) {
    const next = queue.shift()!;
    const { folder, folders } = await unwrap(
      fileApi.GET("/folders/{id}", {
        params: { path: { id: next.id }, query: { sort: "name", order: "asc", limit: 1 } },
      }),
    );
    choices.push({ id: folder.id, path: next.path });
    for (const child of folders) {
      if (child.id !== excluded) queue.push({ id: child.id, path: [...next.path, child.name] });
    }
  }
  return choices;
}

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
