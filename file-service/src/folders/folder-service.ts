import { randomUUID } from "node:crypto";
import { TOPICS, createEvent, enqueueEvents, inTransaction } from "@coffer/contracts";
import type pg from "pg";
import { PRODUCER, ensureCustomer } from "../customers/customer-account.js";
import { Errors } from "../errors.js";
import { toFile } from "../files/file-repository.js";
import { validateName } from "../files/names.js";

export type FolderDeps = { pool: pg.Pool; defaultQuotaBytes: number };
type Ctx = { customerId: string; correlationId: string };

export type FolderRecord = { id: string; parentId: string | null; name: string; createdAt: Date; updatedAt: Date };
const toFolder = (r: Record<string, unknown>): FolderRecord => ({
  id: r.id as string,
  parentId: (r.parent_id as string | null) ?? null,
  name: r.name as string,
  createdAt: r.created_at as Date,
  updatedAt: r.updated_at as Date,
});

async function findFolder(db: pg.ClientBase | pg.Pool, customerId: string, id: string, lock = false) {
  const { rows } = await db.query(
    `SELECT * FROM folders WHERE customer_id = $1 AND id = $2 AND trashed_at IS NULL ${lock ? "FOR UPDATE" : ""}`,
    [customerId, id],
  );
  return rows[0] ? toFolder(rows[0]) : undefined;
}

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === "23505";

export async function rootFolderId(deps: FolderDeps, customerId: string): Promise<string> {
  return ensureCustomer(deps.pool, customerId, deps.defaultQuotaBytes);
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
  try {
    const { rows } = await deps.pool.query(
      "INSERT INTO folders (id, customer_id, parent_id, name) VALUES ($1, $2, $3, $4) RETURNING *",
      [randomUUID(), ctx.customerId, parentId, name],
    );
    return toFolder(rows[0]!);
  } catch (error) {
    if (isUniqueViolation(error)) throw Errors.nameTaken(name);
    throw error;
  }
}

/** One of the customer's active folders; its subfolders and files are listed separately. */
export async function getFolder(deps: FolderDeps, ctx: Ctx, folderId: string): Promise<FolderRecord> {
  const folder = await findFolder(deps.pool, ctx.customerId, folderId);
  if (!folder) throw Errors.notFound("Folder");
  return folder;
}

export async function childFolders(deps: FolderDeps, ctx: Ctx, folderId: string): Promise<FolderRecord[]> {
  const { rows } = await deps.pool.query(
    "SELECT * FROM folders WHERE customer_id = $1 AND parent_id = $2 AND trashed_at IS NULL ORDER BY lower(name), id LIMIT 1000",
    [ctx.customerId, folderId],
  );
  return rows.map(toFolder);
}

export async function updateFolder(
  deps: FolderDeps,
  ctx: Ctx,
  folderId: string,
  changes: { name?: string; parentId?: string },
) {
  return inTransaction(deps.pool, async (tx) => {
    // Moves are serialised per customer, so two crossing moves cannot build a cycle together.
    await tx.query("SELECT 1 FROM customers WHERE id = $1 FOR UPDATE", [ctx.customerId]);
    const folder = await findFolder(tx, ctx.customerId, folderId, true);
    if (!folder) throw Errors.notFound("Folder");
    if (folder.parentId === null) throw Errors.rootFolder();
    const name = changes.name === undefined ? folder.name : validateName(changes.name);
    const parentId = changes.parentId ?? folder.parentId;
    if (!(await findFolder(tx, ctx.customerId, parentId))) throw Errors.notFound("Folder");
    const { rows: cycle } = await tx.query(
      `WITH RECURSIVE up AS (
         SELECT id, parent_id FROM folders WHERE id = $1
         UNION ALL SELECT f.id, f.parent_id FROM folders f JOIN up ON f.id = up.parent_id
       ) SELECT 1 FROM up WHERE id = $2`,
      [parentId, folder.id],
    );
    if (cycle.length > 0) throw Errors.folderCycle();
    try {
      const { rows } = await tx.query(
        "UPDATE folders SET name = $2, parent_id = $3, updated_at = now() WHERE id = $1 RETURNING *",
        [folder.id, name, parentId],
      );
      return toFolder(rows[0]!);
    } catch (error) {
      if (isUniqueViolation(error)) throw Errors.nameTaken(name);
      throw error;
    }
  });
}

/** Moves a folder and everything under it to the trash; its files appear in the trash one by one. */
export async function trashFolder(deps: FolderDeps, ctx: Ctx, folderId: string): Promise<void> {
  await inTransaction(deps.pool, async (tx) => {
    const folder = await findFolder(tx, ctx.customerId, folderId, true);
    if (!folder) throw Errors.notFound("Folder");
    if (folder.parentId === null) throw Errors.rootFolder();
    const { rows: subtree } = await tx.query<{ id: string }>(
      `WITH RECURSIVE down AS (
         SELECT id FROM folders WHERE id = $1
         UNION ALL SELECT f.id FROM folders f JOIN down ON f.parent_id = down.id WHERE f.trashed_at IS NULL
       ) UPDATE folders SET trashed_at = now() WHERE id IN (SELECT id FROM down) RETURNING id`,
      [folder.id],
    );
    const { rows: files } = await tx.query(
      "UPDATE files SET trashed_at = now(), updated_at = now() WHERE folder_id = ANY($1) AND trashed_at IS NULL RETURNING *",
      [subtree.map((f) => f.id)],
    );
    await enqueueEvents(
      tx,
      files.map(toFile).map((file) => ({
        topic: TOPICS.fileTrashed,
        event: createEvent(
          TOPICS.fileTrashed,
          { customerId: file.customerId, fileId: file.id, name: file.name, size: file.size },
          { correlationId: ctx.correlationId, producer: PRODUCER },
        ),
      })),
    );
  });
}
