import { once } from "node:events";
import type { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
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
 * any size downloads in constant memory. When `output` closes early (the client went away) or
 * anything fails, the loop stops and the object being read is closed: it rejects with the cause.
 */
export async function streamFolderArchive(
  deps: { pool: pg.Pool; storage: FileStorage },
  customerId: string,
  folderId: string,
  output: Writable,
): Promise<void> {
  const entries = await entriesUnder(deps.pool, customerId, folderId);
  const archive = new ZipArchive({ store: true });
  const stop = new AbortController();
  // The pipeline destroys both ends on the first failure, a premature close of `output` included.
  const written = pipeline(archive, output);
  written.catch((err: unknown) => stop.abort(err));
  let content: Readable | undefined;
  try {
    for (const entry of entries) {
      content = await deps.storage.get(entry.objectKey);
      stop.signal.throwIfAborted();
      archive.append(content, { name: entry.path, date: entry.updatedAt });
      // Wait for this entry to be written before opening the next object.
      await once(archive, "entry", { signal: stop.signal });
    }
    await Promise.all([archive.finalize(), written]);
  } catch (err) {
    const cause: unknown = stop.signal.aborted ? stop.signal.reason : err;
    // A paused MinIO response would hold its connection for good; a destroyed archive cuts `output`.
    content?.destroy();
    archive.destroy(cause as Error);
    throw cause;
  }
}
