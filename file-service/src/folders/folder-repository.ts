import { randomUUID } from "node:crypto";
import type pg from "pg";

type Db = pg.ClientBase | pg.Pool;

export type FolderRecord = { id: string; parentId: string | null; name: string; createdAt: Date; updatedAt: Date };

const toFolder = (r: Record<string, unknown>): FolderRecord => ({
  id: r.id as string,
  parentId: (r.parent_id as string | null) ?? null,
  name: r.name as string,
  createdAt: r.created_at as Date,
  updatedAt: r.updated_at as Date,
});

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === "23505";

/** One of the customer's folders out of the trash: another customer's id finds nothing. */
export async function findFolder(db: Db, customerId: string, id: string, options: { lock?: boolean } = {}) {
  const { rows } = await db.query(
    `SELECT * FROM folders WHERE customer_id = $1 AND id = $2 AND trashed_at IS NULL ${options.lock ? "FOR UPDATE" : ""}`,
    [customerId, id],
  );
  return rows[0] ? toFolder(rows[0]) : undefined;
}

export async function activeFolderExists(db: Db, customerId: string, folderId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    "SELECT 1 FROM folders WHERE customer_id = $1 AND id = $2 AND trashed_at IS NULL",
    [customerId, folderId],
  );
  return rowCount === 1;
}

export async function findChildFolders(db: Db, customerId: string, folderId: string): Promise<FolderRecord[]> {
  const { rows } = await db.query(
    "SELECT * FROM folders WHERE customer_id = $1 AND parent_id = $2 AND trashed_at IS NULL ORDER BY lower(name), id LIMIT 1000",
    [customerId, folderId],
  );
  return rows.map(toFolder);
}

/** The new folder; undefined when its parent already holds that name. */
export async function insertFolder(
  db: Db,
  folder: { customerId: string; parentId: string; name: string },
): Promise<FolderRecord | undefined> {
  try {
    const { rows } = await db.query(
      "INSERT INTO folders (id, customer_id, parent_id, name) VALUES ($1, $2, $3, $4) RETURNING *",
      [randomUUID(), folder.customerId, folder.parentId, folder.name],
    );
    return toFolder(rows[0]!);
  } catch (error) {
    if (isUniqueViolation(error)) return undefined;
    throw error;
  }
}

/** The renamed or moved folder; undefined when its new parent already holds that name. */
export async function renameFolder(
  tx: pg.ClientBase,
  folderId: string,
  changes: { name: string; parentId: string },
): Promise<FolderRecord | undefined> {
  try {
    const { rows } = await tx.query(
      "UPDATE folders SET name = $2, parent_id = $3, updated_at = now() WHERE id = $1 RETURNING *",
      [folderId, changes.name, changes.parentId],
    );
    return toFolder(rows[0]!);
  } catch (error) {
    if (isUniqueViolation(error)) return undefined;
    throw error;
  }
}

/** Whether `folderId` is `ancestorId` or under it. */
export async function isWithin(tx: pg.ClientBase, folderId: string, ancestorId: string): Promise<boolean> {
  const { rows } = await tx.query(
    `WITH RECURSIVE up AS (
       SELECT id, parent_id FROM folders WHERE id = $1
       UNION ALL SELECT f.id, f.parent_id FROM folders f JOIN up ON f.id = up.parent_id
     ) SELECT 1 FROM up WHERE id = $2`,
    [folderId, ancestorId],
  );
  return rows.length > 0;
}

/** Moves a folder and every folder under it to the trash: their ids. */
export async function trashFolderTree(tx: pg.ClientBase, folderId: string): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    `WITH RECURSIVE down AS (
       SELECT id FROM folders WHERE id = $1
       UNION ALL SELECT f.id FROM folders f JOIN down ON f.parent_id = down.id WHERE f.trashed_at IS NULL
     ) UPDATE folders SET trashed_at = now() WHERE id IN (SELECT id FROM down) RETURNING id`,
    [folderId],
  );
  return rows.map((r) => r.id);
}

export type TreeEntry = { path: string; objectKey: string; size: number; updatedAt: Date };

/** Every current file under a folder (its subfolders included), with its path inside the folder. */
export async function filesUnder(db: Db, customerId: string, folderId: string): Promise<TreeEntry[]> {
  const { rows } = await db.query<{ path: string; object_key: string; size: string; updated_at: Date }>(
    `WITH RECURSIVE tree AS (
       SELECT id, ''::text AS path FROM folders WHERE id = $2 AND customer_id = $1 AND trashed_at IS NULL
       UNION ALL
       SELECT f.id, tree.path || f.name || '/' FROM folders f JOIN tree ON f.parent_id = tree.id WHERE f.trashed_at IS NULL
     )
     SELECT tree.path || files.name AS path, v.object_key, v.size, files.updated_at
       FROM tree JOIN files ON files.folder_id = tree.id AND files.trashed_at IS NULL
       JOIN file_versions v ON v.file_id = files.id AND v.version = files.current_version
      ORDER BY path`,
    [customerId, folderId],
  );
  return rows.map((r) => ({ path: r.path, objectKey: r.object_key, size: Number(r.size), updatedAt: r.updated_at }));
}
