import { type EventLogger } from "@coffer/contracts";
import { inTransaction } from "@coffer/contracts/pg";
import type pg from "pg";
import type { FileStorage } from "../storage/file-storage.js";
import { forgetDeletions, lockQueuedDeletions } from "../storage/object-repository.js";
import { createPeriodicJob } from "./periodic-job.js";

const BATCH = 500;

/**
 * Deletes the objects queued in `object_deletions` (by purges, pruned versions, failed uploads,
 * erased customers) from MinIO, then their queue rows; woken by whoever queues some. A MinIO
 * outage only delays it.
 */
export function createObjectDeleter(options: {
  pool: pg.Pool;
  storage: FileStorage;
  logger: EventLogger;
  intervalMs?: number;
}) {
  const deleteBatch = () =>
    inTransaction(options.pool, async (tx) => {
      const keys = await lockQueuedDeletions(tx, BATCH);
      await options.storage.remove(keys);
      await forgetDeletions(tx, keys);
      return keys.length;
    });
  return createPeriodicJob({
    name: "object deletion",
    intervalMs: options.intervalMs ?? 5000,
    logger: options.logger,
    runAtStart: true,
    async task() {
      while ((await deleteBatch()) > 0);
    },
  });
}
