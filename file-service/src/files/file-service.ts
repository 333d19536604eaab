import { inTransaction } from "@coffer/contracts/pg";
import { Errors } from "../errors.js";
import { activeFolderExists } from "../folders/folder-repository.js";
import { childFolders, getFolder, type FolderDeps } from "../folders/folder-service.js";
import { validateName } from "../names.js";
import {
  findFile,
  findFileByName,
  findFilesPage,
  findFileVersion,
  listVersions,
  renameFile,
  type FileRecord,
  type FileSort,
  type VersionRecord,
} from "./file-repository.js";

export type FileDeps = FolderDeps & { preparedStatements?: boolean };
type Ctx = { customerId: string; correlationId: string };

export type FileQuery = {
  folderId?: string;
  q?: string;
  sort: FileSort;
  order: "asc" | "desc";
  cursor?: string;
  limit: number;
};

/** Where a page starts: the last row's sort value and id, opaque to the client (base64url JSON). */
type Cursor = { v: string | number; id: string };
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString("base64url");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Microseconds: a millisecond cursor would repeat the row it ends on.
const TIMESTAMP = /^((?!0000)\d{4}-\d{2}-\d{2})T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/** A sort value of the right type and in its column's range, or nothing: the cursor is the client's to forge. */
const SORT_VALUE: Record<FileSort, (v: unknown) => boolean> = {
  name: (v) => typeof v === "string" && v.length <= 1000 && !v.includes("\u0000"),
  size: (v) => Number.isSafeInteger(v) && (v as number) >= 0,
  updatedAt: (v) => {
    const date = typeof v === "string" ? TIMESTAMP.exec(v)?.[1] : undefined;
    const time = date === undefined ? NaN : Date.parse(v as string);
    // Date.parse takes 2026-02-30 for March 2nd: the day must survive the round trip.
    return Number.isFinite(time) && new Date(time).toISOString().startsWith(date!);
  },
};

function decodeCursor(raw: string, sort: FileSort): Cursor {
  let cursor: unknown;
  try {
    cursor = JSON.parse(Buffer.from(raw, "base64url").toString());
  } catch {
    throw Errors.invalidCursor();
  }
  if (
    typeof cursor !== "object" ||
    cursor === null ||
    !("v" in cursor && "id" in cursor) ||
    typeof cursor.id !== "string" ||
    !UUID.test(cursor.id) ||
    !SORT_VALUE[sort](cursor.v)
  ) {
    throw Errors.invalidCursor();
  }
  return cursor as Cursor;
}

/**
 * Files of a folder, or found by name anywhere, in a stable keyset order (sort value, id): a
 * page costs the same on page 1 and page 1,000.
 */
export async function listFiles(deps: FileDeps, ctx: Ctx, query: FileQuery) {
  const rows = await findFilesPage(
    deps.pool,
    {
      customerId: ctx.customerId,
      folderId: query.folderId,
      nameContains: query.q,
      sort: query.sort,
      order: query.order,
      after: query.cursor ? decodeCursor(query.cursor, query.sort) : undefined,
      limit: query.limit + 1,
    },
    { prepared: deps.preparedStatements },
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    files: page.map((r) => r.file),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ v: last.sortValue, id: last.file.id }) : null,
  };
}

/** A folder (or `root`) with its subfolders and a page of its files; the subfolders come with the first page only. */
export async function viewFolder(deps: FileDeps, ctx: Ctx, folderId: string, query: Omit<FileQuery, "folderId" | "q">) {
  const folder = await getFolder(deps, ctx, folderId);
  const page = await listFiles(deps, ctx, { ...query, folderId: folder.id });
  return { folder, folders: query.cursor ? [] : await childFolders(deps, ctx, folder.id), ...page };
}

export async function getFile(deps: FileDeps, ctx: Ctx, fileId: string): Promise<FileRecord> {
  const file = await findFile(deps.pool, ctx.customerId, fileId);
  if (!file) throw Errors.notFound("File");
  return file;
}

/** A file's versions, newest first. */
export async function listFileVersions(deps: FileDeps, ctx: Ctx, fileId: string): Promise<VersionRecord[]> {
  const file = await getFile(deps, ctx, fileId);
  return listVersions(deps.pool, file.id);
}

/** One version of a file (its current one when no number is given), with the file. */
export async function getFileVersion(deps: FileDeps, ctx: Ctx, fileId: string, versionNumber?: number) {
  const found = await findFileVersion(deps.pool, ctx.customerId, fileId, versionNumber);
  if (!found) throw Errors.notFound("File");
  if (!found.version) throw Errors.notFound("Version");
  return { file: found.file, version: found.version };
}

export async function updateFile(
  deps: FileDeps,
  ctx: Ctx,
  fileId: string,
  changes: { name?: string; folderId?: string },
): Promise<FileRecord> {
  return inTransaction(deps.pool, async (tx) => {
    const file = await findFile(tx, ctx.customerId, fileId, { lock: true });
    if (!file) throw Errors.notFound("File");
    const name = changes.name === undefined ? file.name : validateName(changes.name);
    const folderId = changes.folderId ?? file.folderId;
    if (!(await activeFolderExists(tx, ctx.customerId, folderId))) throw Errors.notFound("Folder");
    const clash = await findFileByName(tx, folderId, name);
    if (clash && clash.id !== file.id) throw Errors.nameTaken(name);
    return renameFile(tx, file.id, { name, folderId });
  });
}
