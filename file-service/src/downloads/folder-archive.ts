import { once } from "node:events";
import type { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ZipArchive } from "archiver";
import type pg from "pg";
import { filesUnder } from "../folders/folder-repository.js";
import type { FileStorage } from "../storage/file-storage.js";

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
  const entries = await filesUnder(deps.pool, customerId, folderId);
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
