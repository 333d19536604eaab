import { AppError, TOPICS, inTransaction, tombstoneCustomer, type Handlers } from "@coffer/contracts";
import type pg from "pg";
import { applyDisplayName, ensureCustomer } from "../customers/customer-account.js";
import { queueObjectDeletions } from "../files/file-repository.js";
import type { FileStorage } from "../files/file-storage.js";

const ERASE_BATCH = 500;

/** Removes up to `limit` of the customer's files (all when null) and queues their objects; how many objects. */
async function eraseFiles(tx: pg.ClientBase, customerId: string, limit: number | null): Promise<number> {
  const { rows } = await tx.query<{ object_key: string }>(
    `WITH batch AS (SELECT id FROM files WHERE customer_id = $1 LIMIT $2),
          gone AS (DELETE FROM file_versions v USING batch WHERE v.file_id = batch.id RETURNING v.object_key),
          files_gone AS (DELETE FROM files f USING batch WHERE f.id = batch.id)
     SELECT object_key FROM gone`,
    [customerId, limit],
  );
  await queueObjectDeletions(
    tx,
    rows.map((r) => r.object_key),
  );
  return rows.length;
}

/** Provisions the customer unless deleted (a tombstone): an event of a deleted customer changes nothing. */
async function provisioned(
  db: pg.ClientBase,
  customerId: string,
  log: { info(obj: object, msg: string): void },
  quotaBytes: number,
): Promise<boolean> {
  try {
    await ensureCustomer(db, customerId, quotaBytes);
    return true;
  } catch (error) {
    if (!(error instanceof AppError && error.code === "TOKEN_REVOKED")) throw error;
    log.info({ customerId }, "an event of a deleted customer changes nothing");
    return false;
  }
}

/**
 * `customer.registered` provisions the account (a customer may also arrive first by an API
 * call) and, with `customer.profile-updated`, keeps the customer's display name; `customer.deleted` first leaves a tombstone, so no token or replayed event creates the
 * customer again, then erases every row and queues every object of the customer for deletion,
 * in batches that each commit, so a crash half-way resumes where it stopped. The last batch holds
 * the customer's row, so an upload committing meanwhile is either erased with it or refused.
 * Then whatever else is stored under the customer's prefix (a resumable upload's `.info`, the
 * parts of one never finished), which no row names.
 */
export function createCustomerHandlers(deps: {
  pool: pg.Pool;
  defaultQuotaBytes: number;
  wakeDeleter: () => void;
  storage: Pick<FileStorage, "list">;
}): Handlers<pg.PoolClient> {
  return {
    [TOPICS.customerRegistered]: async (event, { db, log }) => {
      if (await provisioned(db, event.customerId, log, deps.defaultQuotaBytes))
        await applyDisplayName(db, event.customerId, event);
    },
    // The name a share's page shows as the sharer's.
    [TOPICS.customerProfileUpdated]: async (event, { db, log }) => {
      if (await provisioned(db, event.customerId, log, deps.defaultQuotaBytes))
        await applyDisplayName(db, event.customerId, event);
    },
    [TOPICS.customerDeleted]: {
      // Every step below can run again without harm; the runner's record comes last.
      deduplicate: false,
      handle: async (event, { log }) => {
        await tombstoneCustomer(deps.pool, event.customerId, event.occurredAt);
        for (;;) {
          const erased = await inTransaction(deps.pool, (tx) => eraseFiles(tx, event.customerId, ERASE_BATCH));
          deps.wakeDeleter();
          if (erased === 0) break;
        }
        await inTransaction(deps.pool, async (tx) => {
          await tx.query("SELECT 1 FROM customers WHERE id = $1 FOR UPDATE", [event.customerId]);
          await eraseFiles(tx, event.customerId, null);
          await tx.query("DELETE FROM customers WHERE id = $1", [event.customerId]);
        });
        const leftovers = await deps.storage.list(`${event.customerId}/`);
        if (leftovers.length > 0) {
          await inTransaction(deps.pool, (tx) => queueObjectDeletions(tx, leftovers));
        }
        deps.wakeDeleter();
        log.info({ customerId: event.customerId }, "customer erased");
      },
    },
  };
}
