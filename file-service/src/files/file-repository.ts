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

/** A version's object that left the database, with the bytes it counted. */
export type RemovedObject = { objectKey: string; size: number };

const FILE_COLUMNS = `id, customer_id, folder_id, name, current_version, size, content_type, sha256, trashed_at, created_at, updated_at`;

const toFile = (r: Record<string, unknown>): FileRecord => ({
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

const toRemoved = (r: { object_key: string; size: string }): RemovedObject => ({
  objectKey: r.object_key,
  size: Number(r.size),
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

/** The folder's file of that name (names compare case-insensitively), locked until the transaction ends. */
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

/**
 * A customer's file outside the trash with one of its versions (the current one when no number
 * is given), in one round trip: `version` is undefined when the file has no such version.
 */
export async function findFileVersion(db: Db, customerId: string, fileId: string, version?: number) {
  const { rows } = await db.query(
    `SELECT ${FILE_COLUMNS.replace(/\w+/g, "f.$&")},
       v.version AS v_version, v.object_key AS v_object_key, v.size AS v_size,
       v.content_type AS v_content_type, v.sha256 AS v_sha256, v.created_at AS v_created_at
     FROM files f
     LEFT JOIN file_versions v ON v.file_id = f.id AND v.version = COALESCE($3::integer, f.current_version)
     WHERE f.customer_id = $1 AND f.id = $2 AND f.trashed_at IS NULL`,
    [customerId, fileId, version ?? null],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    file: toFile(row),
    version:
      row.v_version === null
        ? undefined
        : toVersion({
            version: row.v_version,
            object_key: row.v_object_key,
            size: row.v_size,
            content_type: row.v_content_type,
            sha256: row.v_sha256,
            created_at: row.v_created_at,
          }),
  };
}

export async function listVersions(db: Db, fileId: string) {
  const { rows } = await db.query("SELECT * FROM file_versions WHERE file_id = $1 ORDER BY version DESC", [fileId]);
  return rows.map(toVersion);
}

const SORT_COLUMNS = { name: "lower(name)", size: "size", updatedAt: "updated_at" } as const;
export type FileSort = keyof typeof SORT_COLUMNS;

/** The sort value as PostgreSQL compares it: its own lower(), microseconds of updated_at. */
const SORT_VALUES: Record<FileSort, string> = {
  name: "lower(name)",
  size: "size",
  updatedAt: `to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
};

type PageQuery = {
  customerId: string;
  folderId?: string;
  nameContains?: string;
  sort: FileSort;
  order: "asc" | "desc";
  after?: { v: string | number; id: string };
  limit: number;
};

type PageRow = { file: FileRecord; sortValue: string | number };

/**
 * How many files, in the page's order, a name search reads before it asks the trigram index:
 * a common substring is met early in that order, a rare one (or one whose names sort together)
 * is cheaper found by the index, whose cost grows with the matches instead. By name the walk
 * reads only the index (files_by_customer_name_covering holds the names); by date each file it
 * reads is a heap page.
 */
const SEARCH_WALK_ROWS: Partial<Record<FileSort, number>> = { name: 10_000, updatedAt: 1_000 };

/**
 * The customer's files out of the trash (of one folder, or whose name contains `nameContains`),
 * in keyset order (sort value, id) after `after`: up to `limit`, each with its sort value.
 * With `prepared`, a listing's statement is named, parsed and planned once per connection.
 */
export async function findFilesPage(
  db: Db,
  query: PageQuery,
  options: { prepared?: boolean } = {},
): Promise<PageRow[]> {
  const params: unknown[] = [query.customerId];
  const where = ["customer_id = $1", "trashed_at IS NULL"];
  if (query.folderId) {
    params.push(query.folderId);
    where.push(`folder_id = $${params.length}`);
  }
  const column = SORT_COLUMNS[query.sort];
  const direction = query.order === "desc" ? "DESC" : "ASC";
  if (query.after) {
    params.push(query.after.v, query.after.id);
    where.push(`(${column}, id) ${direction === "ASC" ? ">" : "<"} ($${params.length - 1}, $${params.length})`);
  }
  params.push(query.limit);
  const limit = `$${params.length}`;
  const order = `ORDER BY ${column} ${direction}, id ${direction}`;
  const toRows = ({ rows }: pg.QueryResult) =>
    rows.map((r) => ({
      file: toFile(r),
      sortValue: query.sort === "size" ? Number(r.sort_value) : (r.sort_value as string),
    }));

  if (!query.nameContains) {
    const text = `SELECT *, ${SORT_VALUES[query.sort]} AS sort_value FROM files WHERE ${where.join(" AND ")} ${order} LIMIT ${limit}`;
    const name = `files-page-${query.sort}-${direction}${query.folderId ? "-folder" : ""}${query.after ? "-after" : ""}`;
    return toRows(await db.query(options.prepared ? { name, text, values: params } : { text, values: params }));
  }

  // A search decides on (id, lower name, sort key) alone, then reads the page's files by id.
  params.push(`%${escapeLike(query.nameContains.toLowerCase())}%`);
  const matches = `lname LIKE $${params.length}`;
  const candidates = `SELECT id, lower(name) AS lname, ${column} AS sort_key FROM files`;
  const pageOf = (found: string) =>
    `SELECT f.*, ${SORT_VALUES[query.sort]} AS sort_value
       FROM (SELECT id, sort_key FROM ${found} ORDER BY sort_key ${direction}, id ${direction} LIMIT ${limit}) page
       JOIN files f USING (id) ORDER BY page.sort_key ${direction}, id ${direction}`;
  const walkRows = SEARCH_WALK_ROWS[query.sort];
  if (walkRows) {
    const walked = toRows(
      await db.query(
        pageOf(`(SELECT * FROM (${candidates} WHERE ${where.join(" AND ")} ${order} LIMIT ${walkRows}) walk
                  WHERE ${matches}) matched`),
        params,
      ),
    );
    if (walked.length === query.limit) return walked;
  }
  // MATERIALIZED keeps the planner from walking the sort order instead: it cannot know that the
  // names which contain a word may all sort together, far down the order.
  return toRows(
    await db.query(
      `WITH found AS MATERIALIZED (SELECT * FROM (${candidates} WHERE ${where.join(" AND ")}) c WHERE ${matches})
       ${pageOf("found")}`,
      params,
    ),
  );
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function renameFile(
  tx: pg.ClientBase,
  fileId: string,
  changes: { name: string; folderId: string },
): Promise<FileRecord> {
  const { rows } = await tx.query(
    "UPDATE files SET name = $2, folder_id = $3, updated_at = now() WHERE id = $1 RETURNING *",
    [fileId, changes.name, changes.folderId],
  );
  return toFile(rows[0]!);
}

/** A new file, its first version current. */
export async function insertFile(
  tx: pg.ClientBase,
  file: Pick<FileRecord, "id" | "customerId" | "folderId" | "name" | "size" | "contentType" | "sha256">,
): Promise<FileRecord> {
  const { rows } = await tx.query(
    `INSERT INTO files (id, customer_id, folder_id, name, current_version, size, content_type, sha256)
     VALUES ($1, $2, $3, $4, 1, $5, $6, $7) RETURNING *`,
    [file.id, file.customerId, file.folderId, file.name, file.size, file.contentType, file.sha256],
  );
  return toFile(rows[0]!);
}

export async function setCurrentVersion(
  tx: pg.ClientBase,
  fileId: string,
  version: Pick<VersionRecord, "version" | "size" | "contentType" | "sha256">,
): Promise<FileRecord> {
  const { rows } = await tx.query(
    `UPDATE files SET current_version = $2, size = $3, content_type = $4, sha256 = $5, updated_at = now()
      WHERE id = $1 RETURNING *`,
    [fileId, version.version, version.size, version.contentType, version.sha256],
  );
  return toFile(rows[0]!);
}

export async function insertVersion(
  tx: pg.ClientBase,
  fileId: string,
  version: Omit<VersionRecord, "createdAt">,
): Promise<void> {
  await tx.query(
    "INSERT INTO file_versions (file_id, version, object_key, size, content_type, sha256) VALUES ($1, $2, $3, $4, $5, $6)",
    [fileId, version.version, version.objectKey, version.size, version.contentType, version.sha256],
  );
}

/** Deletes the file's versions numbered `upTo` or lower. */
export async function pruneVersions(tx: pg.ClientBase, fileId: string, upTo: number): Promise<RemovedObject[]> {
  const { rows } = await tx.query<{ object_key: string; size: string }>(
    "DELETE FROM file_versions WHERE file_id = $1 AND version <= $2 RETURNING object_key, size",
    [fileId, upTo],
  );
  return rows.map(toRemoved);
}

export async function markTrashed(tx: pg.ClientBase, fileId: string): Promise<void> {
  await tx.query("UPDATE files SET trashed_at = now(), updated_at = now() WHERE id = $1", [fileId]);
}

/** Moves the files of these folders to the trash: the files moved. */
export async function trashFilesIn(tx: pg.ClientBase, folderIds: readonly string[]): Promise<FileRecord[]> {
  const { rows } = await tx.query(
    "UPDATE files SET trashed_at = now(), updated_at = now() WHERE folder_id = ANY($1) AND trashed_at IS NULL RETURNING *",
    [folderIds],
  );
  return rows.map(toFile);
}

export async function findTrashedFiles(db: Db, customerId: string): Promise<FileRecord[]> {
  const { rows } = await db.query(
    "SELECT * FROM files WHERE customer_id = $1 AND trashed_at IS NOT NULL ORDER BY trashed_at DESC LIMIT 1000",
    [customerId],
  );
  return rows.map(toFile);
}

export async function untrashFile(
  tx: pg.ClientBase,
  fileId: string,
  to: { folderId: string; name: string },
): Promise<FileRecord> {
  const { rows } = await tx.query(
    "UPDATE files SET trashed_at = NULL, folder_id = $2, name = $3, updated_at = now() WHERE id = $1 RETURNING *",
    [fileId, to.folderId, to.name],
  );
  return toFile(rows[0]!);
}

/** Deletes a file and every version of it. */
export async function deleteFile(tx: pg.ClientBase, fileId: string): Promise<RemovedObject[]> {
  const { rows } = await tx.query<{ object_key: string; size: string }>(
    "DELETE FROM file_versions WHERE file_id = $1 RETURNING object_key, size",
    [fileId],
  );
  await tx.query("DELETE FROM files WHERE id = $1", [fileId]);
  return rows.map(toRemoved);
}

/** Files trashed more than `retentionDays` ago, of any customer, up to `limit`. */
export async function findExpiredTrash(
  db: Db,
  retentionDays: number,
  limit: number,
): Promise<{ id: string; customerId: string }[]> {
  const { rows } = await db.query<{ id: string; customer_id: string }>(
    "SELECT id, customer_id FROM files WHERE trashed_at < now() - make_interval(days => $1) LIMIT $2",
    [retentionDays, limit],
  );
  return rows.map((r) => ({ id: r.id, customerId: r.customer_id }));
}

/** Deletes up to `limit` of the customer's files (all when null) with their versions: the versions' object keys. */
export async function deleteCustomerFiles(
  tx: pg.ClientBase,
  customerId: string,
  limit: number | null,
): Promise<string[]> {
  const { rows } = await tx.query<{ object_key: string }>(
    `WITH batch AS (SELECT id FROM files WHERE customer_id = $1 LIMIT $2),
          gone AS (DELETE FROM file_versions v USING batch WHERE v.file_id = batch.id RETURNING v.object_key),
          files_gone AS (DELETE FROM files f USING batch WHERE f.id = batch.id)
     SELECT object_key FROM gone`,
    [customerId, limit],
  );
  return rows.map((r) => r.object_key);
}
