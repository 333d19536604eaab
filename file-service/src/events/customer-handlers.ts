import { TOPICS, inTransaction, type Handlers } from "@coffer/contracts";
import type pg from "pg";
import { applyDisplayName, ensureCustomer } from "../customers/customer-account.js";
import { queueObjectDeletions } from "../files/file-repository.js";
import type { FileStorage } from "../files/file-storage.js";

const ERASE_BATCH = 500;

/**
 * `customer.registered` provisions the account (a customer may also arrive first by an API
 * call) and, with `customer.profile-updated`, keeps the customer's display name; `customer.deleted` erases every row and queues every object of the customer for
 * deletion, in batches that each commit, so a crash half-way resumes where it stopped. Then
 * whatever else is stored under the customer's prefix (a resumable upload's `.info`, the parts
 * of one never finished), which no row names.
 */
export function createCustomerHandlers(deps: {
  pool: pg.Pool;
  defaultQuotaBytes: number;
  wakeDeleter: () => void;
  storage: Pick<FileStorage, "list">;
}): Handlers<pg.PoolClient> {
  return {
    [TOPICS.customerRegistered]: async (event, { db }) => {
      await ensureCustomer(db, event.customerId, deps.defaultQuotaBytes);
      await applyDisplayName(db, event.customerId, event);
    },
    // The name a share's page shows as the sharer's.
    [TOPICS.customerProfileUpdated]: async (event, { db }) => {
      await ensureCustomer(db, event.customerId, deps.defaultQuotaBytes);
      await applyDisplayName(db, event.customerId, event);
    },
    [TOPICS.customerDeleted]: {
      // Every step below can run again without harm; the runner's record comes last.
      deduplicate: false,
      handle: async (event, { log }) => {
        for (;;) {
          const erased = await inTransaction(deps.pool, async (tx) => {
            const { rows } = await tx.query<{ object_key: string }>(
              `WITH batch AS (SELECT id FROM files WHERE customer_id = $1 LIMIT $2),
                    gone AS (DELETE FROM file_versions v USING batch WHERE v.file_id = batch.id RETURNING v.object_key),
                    files_gone AS (DELETE FROM files f USING batch WHERE f.id = batch.id)
               SELECT object_key FROM gone`,
              [event.customerId, ERASE_BATCH],
            );
            await queueObjectDeletions(
              tx,
              rows.map((r) => r.object_key),
            );
            const { rowCount } = await tx.query("SELECT 1 FROM files WHERE customer_id = $1 LIMIT 1", [
              event.customerId,
            ]);
            return rowCount ?? 0;
          });
          deps.wakeDeleter();
          if (erased === 0) break;
        }
        const leftovers = await deps.storage.list(`${event.customerId}/`);
        if (leftovers.length > 0) {
          await inTransaction(deps.pool, (tx) => queueObjectDeletions(tx, leftovers));
          deps.wakeDeleter();
        }
        await deps.pool.query("DELETE FROM customers WHERE id = $1", [event.customerId]);
        log.info({ customerId: event.customerId }, "customer erased");
      },
    },
  };
}
