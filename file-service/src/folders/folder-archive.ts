import { once } from "node:events";
import type { Writable } from "node:stream";
import { ZipArchive } from "archiver";
import type pg from "pg";
import type { FileStorage } from "../files/file-storage.js";

type Entry = { path: string; objectKey: string; size: number; updatedAt: Date };

/** Every current file under a folder, with its path inside the folder. */
async function entriesUnder(pool: pg.Pool, customerId: string, folderId: string): Promise<Entry[]> {
  const { rows } = await pool.query<{ path: string; object_key: string; size: string; updated_at: Date }>(
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

/**
 * Streams a zip of a folder (its subfolders included) into `output` without buffering it: one
 * file is read from MinIO at a time, and stored uncompressed (zip64 past 4 GiB), so a folder of
 * any size downloads in constant memory.
 */
export async function streamFolderArchive(
  deps: { pool: pg.Pool; storage: FileStorage },
  customerId: string,
  folderId: string,
  output: Writable,
): Promise<void> {
  const entries = await entriesUnder(deps.pool, customerId, folderId);
  const archive = new ZipArchive({ store: true });
  const failed = new Promise<never>((_, reject) => archive.once("error", reject));
  archive.pipe(output);
  for (const entry of entries) {
    const content = await deps.storage.get(entry.objectKey);
    archive.append(content, { name: entry.path, date: entry.updatedAt });
    // Wait for this entry to be written before opening the next object.
    await Promise.race([once(archive, "entry"), failed]);
  }
  await Promise.race([archive.finalize(), failed]);
}
