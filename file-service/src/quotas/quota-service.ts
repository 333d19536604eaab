import { enqueueEvents } from "@coffer/contracts";
import { inTransaction } from "@coffer/contracts/pg";
import type pg from "pg";
import { ensureCustomer } from "../accounts/account-repository.js";
import { Errors } from "../errors.js";
import { getUsage, setQuota } from "./quota-repository.js";

export type QuotaDeps = { pool: pg.Pool; limits: { defaultQuotaBytes: number } };

/** Bytes used (every version and the trash), the quota, the file count; a new customer's too. */
export async function usageOf(deps: QuotaDeps, customerId: string) {
  await ensureCustomer(deps.pool, customerId, deps.limits.defaultQuotaBytes);
  return (await getUsage(deps.pool, customerId))!;
}

/** The admin's view of one customer's usage and quota, before changing it. */
export async function customerUsage(deps: QuotaDeps, customerId: string) {
  const usage = await getUsage(deps.pool, customerId);
  if (!usage) throw Errors.notFound("Customer");
  return usage;
}

/** The admin's setting: a customer already over a threshold of the new quota hears of it. */
export async function setCustomerQuota(
  deps: QuotaDeps,
  change: { customerId: string; quotaBytes: number; correlationId: string },
): Promise<void> {
  await inTransaction(deps.pool, async (tx) => {
    const events = await setQuota(tx, change.customerId, change.quotaBytes, change.correlationId);
    if (!events) throw Errors.notFound("Customer");
    await enqueueEvents(tx, events);
  });
}
