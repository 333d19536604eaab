import { inTransaction } from "@coffer/contracts/pg";
import type pg from "pg";
import { ensureCustomer, lockCustomer } from "../accounts/account-repository.js";
import { Errors } from "../errors.js";
import { validateName } from "../names.js";
import {
  findChildFolders,
  findFolder,
  insertFolder,
  isWithin,
  renameFolder,
  type FolderRecord,
} from "./folder-repository.js";

export type FolderDeps = { pool: pg.Pool; limits: { defaultQuotaBytes: number } };
type Ctx = { customerId: string; correlationId: string };

/** The customer's root folder (its account created on first use); `root` stands for it in URLs. */
async function rootFolderId(deps: FolderDeps, customerId: string): Promise<string> {
  return ensureCustomer(deps.pool, customerId, deps.limits.defaultQuotaBytes);
}

export async function createFolder(
  deps: FolderDeps,
  ctx: Ctx,
  input: { name: string; parentId?: string },
): Promise<FolderRecord> {
  const rootId = await rootFolderId(deps, ctx.customerId);
  const parentId = input.parentId ?? rootId;
  const name = validateName(input.name);
  if (!(await findFolder(deps.pool, ctx.customerId, parentId))) throw Errors.notFound("Folder");
  const folder = await insertFolder(deps.pool, { customerId: ctx.customerId, parentId, name });
  if (!folder) throw Errors.nameTaken(name);
  return folder;
}

/** One of the customer's active folders, by id or `root`. */
export async function getFolder(deps: FolderDeps, ctx: Ctx, folderId: string): Promise<FolderRecord> {
  const id = folderId === "root" ? await rootFolderId(deps, ctx.customerId) : folderId;
  const folder = await findFolder(deps.pool, ctx.customerId, id);
  if (!folder) throw Errors.notFound("Folder");
  return folder;
}

export async function childFolders(deps: FolderDeps, ctx: Ctx, folderId: string): Promise<FolderRecord[]> {
  return findChildFolders(deps.pool, ctx.customerId, folderId);
}

export async function updateFolder(
  deps: FolderDeps,
  ctx: Ctx,
  folderId: string,
  changes: { name?: string; parentId?: string },
): Promise<FolderRecord> {
  return inTransaction(deps.pool, async (tx) => {
    // Moves are serialised per customer, so two crossing moves cannot build a cycle together.
    await lockCustomer(tx, ctx.customerId);
    const folder = await findFolder(tx, ctx.customerId, folderId, { lock: true });
    if (!folder) throw Errors.notFound("Folder");
    if (folder.parentId === null) throw Errors.rootFolder();
    const name = changes.name === undefined ? folder.name : validateName(changes.name);
    const parentId = changes.parentId ?? folder.parentId;
    if (!(await findFolder(tx, ctx.customerId, parentId))) throw Errors.notFound("Folder");
    if (await isWithin(tx, parentId, folder.id)) throw Errors.folderCycle();
    const updated = await renameFolder(tx, folder.id, { name, parentId });
    if (!updated) throw Errors.nameTaken(name);
    return updated;
  });
}
