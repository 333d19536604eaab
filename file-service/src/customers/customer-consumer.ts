import { TOPICS, type Handlers } from "@coffer/contracts";
import { AppError } from "@coffer/contracts/http";
import { inTransaction, tombstoneCustomer } from "@coffer/contracts/pg";
import type pg from "pg";
import { applyDisplayName, deleteCustomer, ensureCustomer, lockCustomer } from "../accounts/account-repository.js";
import { deleteCustomerFiles } from "../files/file-repository.js";
import type { FileStorage } from "../storage/file-storage.js";
import { queueObjectDeletions } from "../storage/object-repository.js";

const ERASE_BATCH = 500;

/** Removes up to `limit` of the customer's files (all when null) and queues their objects; how many objects. */
async function eraseFiles(tx: pg.ClientBase, customerId: string, limit: number | null): Promise<number> {
  const keys = await deleteCustomerFiles(tx, customerId, limit);
  await queueObjectDeletions(tx, keys);
  return keys.length;
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
 * customer-service's events, as file-service keeps them. `customer.registered` provisions the
 * account (a customer may also arrive first by an API call) and, with `customer.profile-updated`,
 * keeps the customer's display name. `customer.deleted` first leaves a tombstone, so no token or
 * replayed event creates the customer again, then erases every row and queues every object of
 * the customer for deletion, in batches that each commit, so a crash half-way resumes where it
 * stopped. The last batch holds the customer's row, so an upload committing meanwhile is either
 * erased with it or refused. Then whatever else is stored under the customer's prefix (a
 * resumable upload's `.info`, the parts of one never finished), which no row names.
 */
export function createCustomerConsumer(deps: {
  pool: pg.Pool;
  limits: { defaultQuotaBytes: number };
  wakeDeleter: () => void;
  storage: Pick<FileStorage, "list">;
}): Handlers<pg.PoolClient> {
  return {
    [TOPICS.customerRegistered]: async (event, { db, log }) => {
      if (await provisioned(db, event.customerId, log, deps.limits.defaultQuotaBytes))
        await applyDisplayName(db, event.customerId, event);
    },
    // The name a share's page shows as the sharer's.
    [TOPICS.customerProfileUpdated]: async (event, { db, log }) => {
      if (await provisioned(db, event.customerId, log, deps.limits.defaultQuotaBytes))
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
          await lockCustomer(tx, event.customerId);
          await eraseFiles(tx, event.customerId, null);
          await deleteCustomer(tx, event.customerId);
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
