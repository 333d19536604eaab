import { inTransaction, type EventLogger } from "@coffer/contracts";
import type pg from "pg";
import type { FileStorage } from "../files/file-storage.js";

/**
 * Deletes the objects queued in `object_deletions` (by purges, pruned versions, failed uploads,
 * erased customers) from MinIO, then their queue rows. A MinIO outage only delays it.
 */
export async function deleteQueuedObjects(pool: pg.Pool, storage: FileStorage): Promise<number> {
  return inTransaction(pool, async (tx) => {
    const { rows } = await tx.query<{ object_key: string }>(
      "SELECT object_key FROM object_deletions ORDER BY created_at LIMIT 500 FOR UPDATE SKIP LOCKED",
    );
    const keys = rows.map((r) => r.object_key);
    await storage.remove(keys);
    await tx.query("DELETE FROM object_deletions WHERE object_key = ANY($1)", [keys]);
    return keys.length;
  });
}

export function createObjectDeleter(options: {
  pool: pg.Pool;
  storage: FileStorage;
  logger: EventLogger;
  intervalMs?: number;
}) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  async function drain() {
    try {
      while ((await deleteQueuedObjects(options.pool, options.storage)) > 0);
    } catch (err) {
      options.logger.warn({ err }, "object deletion failed; retrying later");
    }
  }
  function run() {
    if (running) {
      again = true;
      return;
    }
    running = drain().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        run();
      }
    });
  }
  return {
    start() {
      timer = setInterval(run, options.intervalMs ?? 5000).unref();
      run();
    },
    wake: run,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
