import type pg from "pg";

type Db = pg.ClientBase | pg.Pool;

export type FileRecord = {
  id: string;
  customerId: string;
  folderId: string;
  name: string;
  currentVersion: number;
  size: number;
  contentType: string;
  sha256: string;
  trashedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

export type VersionRecord = {
  version: number;
  objectKey: string;
  size: number;
  contentType: string;
  sha256: string;
  createdAt: Date;
};

const FILE_COLUMNS = `id, customer_id, folder_id, name, current_version, size, content_type, sha256, trashed_at, created_at, updated_at`;

export const toFile = (r: Record<string, unknown>): FileRecord => ({
  id: r.id as string,
  customerId: r.customer_id as string,
  folderId: r.folder_id as string,
  name: r.name as string,
  currentVersion: r.current_version as number,
  size: Number(r.size),
  contentType: r.content_type as string,
  sha256: r.sha256 as string,
  trashedAt: (r.trashed_at as Date | null) ?? null,
  createdAt: r.created_at as Date,
  updatedAt: r.updated_at as Date,
});

const toVersion = (r: Record<string, unknown>): VersionRecord => ({
  version: r.version as number,
  objectKey: r.object_key as string,
  size: Number(r.size),
  contentType: r.content_type as string,
  sha256: r.sha256 as string,
  createdAt: r.created_at as Date,
});

/** Every read is scoped to the owner: another customer's id finds nothing. */
export async function findFile(
  db: Db,
  customerId: string,
  fileId: string,
  options: { trashed?: boolean; lock?: boolean } = {},
) {
  const { rows } = await db.query(
    `SELECT ${FILE_COLUMNS} FROM files WHERE customer_id = $1 AND id = $2 AND (trashed_at IS NOT NULL) = $3 ${options.lock ? "FOR UPDATE" : ""}`,
    [customerId, fileId, options.trashed ?? false],
  );
  return rows[0] ? toFile(rows[0]) : undefined;
}

export async function findFileByName(tx: pg.ClientBase, folderId: string, name: string) {
  const { rows } = await tx.query(
    `SELECT ${FILE_COLUMNS} FROM files WHERE folder_id = $1 AND lower(name) = lower($2) AND trashed_at IS NULL FOR UPDATE`,
    [folderId, name],
  );
  return rows[0] ? toFile(rows[0]) : undefined;
}

export async function findVersion(db: Db, fileId: string, version: number) {
  const { rows } = await db.query("SELECT * FROM file_versions WHERE file_id = $1 AND version = $2", [fileId, version]);
  return rows[0] ? toVersion(rows[0]) : undefined;
}

export async function listVersions(db: Db, fileId: string) {
  const { rows } = await db.query("SELECT * FROM file_versions WHERE file_id = $1 ORDER BY version DESC", [fileId]);
  return rows.map(toVersion);
}

export async function activeFolderExists(db: Db, customerId: string, folderId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    "SELECT 1 FROM folders WHERE customer_id = $1 AND id = $2 AND trashed_at IS NULL",
    [customerId, folderId],
  );
  return rowCount === 1;
}

/** Queues objects for deletion in the caller's transaction; the object deleter removes them once it commits. */
export async function queueObjectDeletions(tx: pg.ClientBase, keys: readonly string[]): Promise<void> {
  if (keys.length > 0) {
    await tx.query("INSERT INTO object_deletions (object_key) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING", [
      keys,
    ]);
  }
}
