import type pg from "pg";
import type { Config } from "../config.js";
import { ShareErrors } from "../errors.js";
import { findRecentSends, insertSend, lockShareSends } from "./share-repository.js";

export type SendLimits = Pick<Config["shares"], "recipientsPerDay" | "perHour">;

const HOUR_S = 3600;
const DAY_S = 86_400;

/**
 * Records a share about to be created, in the caller's transaction, if the customer is within
 * the limits over rolling windows: `perHour` shares an hour, `recipientsPerDay` mailed addresses
 * a day. The customer's shares are created one at a time (a transaction-scoped advisory lock,
 * shared by every instance), so parallel requests cannot all see room for themselves. The
 * ledger outlives shares and files: deleting them gives nothing back.
 */
export async function recordShareSend(
  tx: pg.ClientBase,
  send: { customerId: string; shareId: string; recipients: number },
  limits: SendLimits,
): Promise<void> {
  await lockShareSends(tx, send.customerId);
  const rows = await findRecentSends(tx, send.customerId);
  const lastHour = rows.filter((r) => r.age < HOUR_S);
  if (lastHour.length >= limits.perHour) {
    const leaving = lastHour[lastHour.length - limits.perHour]!;
    throw ShareErrors.rateLimited(limits.perHour, secondsUntil(HOUR_S, leaving.age));
  }
  const used = rows.reduce((sum, r) => sum + r.recipients, 0);
  if (send.recipients > 0 && used + send.recipients > limits.recipientsPerDay) {
    // More is possible once the oldest sends have left the window with enough addresses.
    const excess = used + send.recipients - limits.recipientsPerDay;
    let freed = 0;
    const leaving = rows.find((r) => (freed += r.recipients) >= excess);
    throw ShareErrors.recipientLimitReached(
      limits.recipientsPerDay,
      Math.max(0, limits.recipientsPerDay - used),
      leaving ? secondsUntil(DAY_S, leaving.age) : DAY_S,
    );
  }
  await insertSend(tx, send);
}

const secondsUntil = (window: number, age: number) => Math.max(1, Math.ceil(window - age));
