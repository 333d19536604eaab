import type { Models } from "../customers/customer-model.js";
import { Errors } from "../errors.js";

const WINDOW_MS = 15 * 60_000;

/** A counter of failed logins: the account's address, or the client's network address. */
export type ThrottleKey = { id: string; maxFailures: number };

/**
 * Failed logins counted per account (by the address typed, whether or not it exists, so the
 * throttle reveals nothing) and per client address (with a higher limit: many people may share
 * one). From `maxFailures` failures in the window on, the key is locked for 1 s, 2 s, 4 s, … up
 * to `maxLockSeconds`.
 */
export function createLoginThrottle(
  models: Models,
  options: { maxFailures: number; maxFailuresPerClient: number; maxLockSeconds: number },
) {
  const { LoginThrottle } = models;
  return {
    keysFor(email: string, clientAddress: string): ThrottleKey[] {
      return [
        { id: `email:${email}`, maxFailures: options.maxFailures },
        { id: `ip:${clientAddress}`, maxFailures: options.maxFailuresPerClient },
      ];
    },

    async assertAllowed(keys: readonly ThrottleKey[]): Promise<void> {
      const now = Date.now();
      const ids = keys.map((k) => k.id);
      const locks = await LoginThrottle.find({ _id: { $in: ids }, lockedUntil: { $gt: new Date(now) } }).lean();
      const until = Math.max(0, ...locks.map((l) => l.lockedUntil!.getTime()));
      if (until > now) throw Errors.tooManyAttempts(Math.ceil((until - now) / 1000));
    },

    async recordFailure(keys: readonly ThrottleKey[]): Promise<void> {
      const now = new Date();
      for (const { id: key, maxFailures } of keys) {
        const current = await LoginThrottle.findById(key).lean();
        const fresh = !current || now.getTime() - current.firstFailureAt.getTime() > WINDOW_MS;
        const failures = fresh ? 1 : current.failures + 1;
        const over = failures - maxFailures;
        const lockedUntil =
          over >= 0 ? new Date(now.getTime() + Math.min(options.maxLockSeconds, 2 ** over) * 1000) : null;
        await LoginThrottle.updateOne(
          { _id: key },
          { $set: { failures, lockedUntil, firstFailureAt: fresh ? now : current.firstFailureAt } },
          { upsert: true },
        );
      }
    },

    async clear(key: ThrottleKey): Promise<void> {
      await LoginThrottle.deleteOne({ _id: key.id });
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
