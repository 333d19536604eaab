import type { Models } from "../customers/customer-model.js";
import { Errors } from "../errors.js";

const WINDOW_MS = 15 * 60_000;

/**
 * Failed logins counted per account (by the address typed, whether or not it exists, so the
 * throttle reveals nothing) and per client address. From `maxFailures` failures in the window
 * on, the key is locked for 1 s, 2 s, 4 s, … up to `maxLockSeconds`.
 */
export function createLoginThrottle(models: Models, options: { maxFailures: number; maxLockSeconds: number }) {
  const { LoginThrottle } = models;
  return {
    async assertAllowed(keys: readonly string[]): Promise<void> {
      const now = Date.now();
      const locks = await LoginThrottle.find({ _id: { $in: keys }, lockedUntil: { $gt: new Date(now) } }).lean();
      const until = Math.max(0, ...locks.map((l) => l.lockedUntil!.getTime()));
      if (until > now) throw Errors.tooManyAttempts(Math.ceil((until - now) / 1000));
    },

    async recordFailure(keys: readonly string[]): Promise<void> {
      const now = new Date();
      for (const key of keys) {
        const current = await LoginThrottle.findById(key).lean();
        const fresh = !current || now.getTime() - current.firstFailureAt.getTime() > WINDOW_MS;
        const failures = fresh ? 1 : current.failures + 1;
        const over = failures - options.maxFailures;
        const lockedUntil =
          over >= 0 ? new Date(now.getTime() + Math.min(options.maxLockSeconds, 2 ** over) * 1000) : null;
        await LoginThrottle.updateOne(
          { _id: key },
          { $set: { failures, lockedUntil, firstFailureAt: fresh ? now : current.firstFailureAt } },
          { upsert: true },
        );
      }
    },

    async clear(keys: readonly string[]): Promise<void> {
      await LoginThrottle.deleteMany({ _id: { $in: keys } });
    },

    /** Forgets windows that ended and locks that expired. */
    async purgeExpired(): Promise<void> {
      const now = new Date();
      await LoginThrottle.deleteMany({
        firstFailureAt: { $lt: new Date(now.getTime() - WINDOW_MS) },
        $or: [{ lockedUntil: null }, { lockedUntil: { $lt: now } }],
      });
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
