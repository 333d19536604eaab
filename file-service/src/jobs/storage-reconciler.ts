import type { EventLogger } from "@coffer/contracts";
import type pg from "pg";
import type { FileStorage, StoredObject } from "../storage/file-storage.js";
import { unreferencedKeys } from "../storage/object-repository.js";

const BATCH = 500;

/**
 * Removes the objects in MinIO that nothing in the database references: no version, no queued
 * deletion, no open resumable upload (tus keeps `<id>`, `<id>.info` and `<id>.part`). Only objects
 * older than `minAgeMs` (the tus expiry): a younger one may belong to an upload still streaming.
 * Every store of bytes goes through a row that the quota counts, so what this finds escaped it;
 * it is logged, counted. Safe on several instances at once: removing twice removes once.
 */
export async function reconcileStorage(
  deps: { pool: pg.Pool; storage: FileStorage; logger: EventLogger },
  minAgeMs: number,
): Promise<{ removed: number; bytes: number }> {
  const cutoff = Date.now() - minAgeMs;
  let removed = 0;
  let bytes = 0;
  let batch: StoredObject[] = [];
  const flush = async () => {
    const unreferenced = await unreferencedKeys(
      deps.pool,
      batch.map((o) => o.key),
    );
    const doomed = batch.filter((o) => unreferenced.has(o.key));
    await deps.storage.remove(doomed.map((o) => o.key));
    removed += doomed.length;
    bytes += doomed.reduce((sum, o) => sum + o.size, 0);
    batch = [];
  };
  for await (const object of deps.storage.scan("")) {
    if (object.lastModified.getTime() > cutoff) continue;
    batch.push(object);
    if (batch.length === BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  const log = removed > 0 ? deps.logger.warn.bind(deps.logger) : deps.logger.info.bind(deps.logger);
  log({ removed, bytes }, "storage reconciled: objects no row references removed");
  return { removed, bytes };
}
