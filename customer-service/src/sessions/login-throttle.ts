import type { Attempt } from "../database.js";
import { Errors } from "../errors.js";
import { takeAttempt, type Decide } from "../limits/attempt-ledger.js";
import type { AttemptRepository } from "../limits/attempt-repository.js";

const WINDOW_MS = 15 * 60_000;

/** A login being tried: it counts as a failure until it is known to have succeeded. */
export type LoginAttempt = { succeeded(): Promise<void>; abandoned(): Promise<void> };

/**
 * Failed logins counted per account (by the address typed, whether or not it exists, so the
 * throttle reveals nothing) and per client address (with a higher limit: many people may share
 * one). From `maxFailures` failures in the window on, the key is locked for `firstLockSeconds`,
 * then twice as long after each further failure, up to `maxLockSeconds`, from the latest one.
 *
 * A login takes its attempt on both keys before the password is hashed, and the attempt counts
 * as a failure while it is being verified: parallel guesses, on any number of instances, are
 * refused as soon as the attempts taken reach the limit, not once their failures are recorded.
 */
export function createLoginThrottle(
  attempts: AttemptRepository,
  options: { maxFailures: number; maxFailuresPerClient: number; firstLockSeconds: number; maxLockSeconds: number },
) {
  // Failures must be remembered for as long as the longest lock they can cause.
  const windowMs = Math.max(WINDOW_MS, options.maxLockSeconds * 1000);

  function limit(maxFailures: number): Decide {
    return (failures: readonly Attempt[], now: number) => {
      const over = failures.length - maxFailures;
      if (over < 0) return 0;
      const lockSeconds = Math.min(options.maxLockSeconds, options.firstLockSeconds * 2 ** over);
      const lockedUntil = failures[0]!.at.getTime() + lockSeconds * 1000;
      return Math.max(0, (lockedUntil - now) / 1000);
    };
  }
  const perAccount = limit(options.maxFailures);
  const perClient = limit(options.maxFailuresPerClient);

  return {
    /** Takes the attempt on the account's key and the client's, or on neither: TOO_MANY_ATTEMPTS. */
    async begin(email: string, clientAddress: string): Promise<LoginAttempt> {
      const since = new Date(Date.now() - windowMs);
      const account = await takeAttempt(attempts, `email:${email}`, since, perAccount);
      if (!account.ok) throw Errors.tooManyAttempts(account.retryAfterSeconds);
      const client = await takeAttempt(attempts, `ip:${clientAddress}`, since, perClient);
      if (!client.ok) {
        await attempts.settle(account, "void");
        throw Errors.tooManyAttempts(client.retryAfterSeconds);
      }
      return {
        async succeeded() {
          await attempts.settle(account, "succeeded");
          await attempts.settle(client, "succeeded");
          // The account's earlier failures are forgiven, not the client's: one success does not excuse a spray.
          await attempts.forgiveBefore(account);
        },
        /** The login failed for another reason than the password (a server out of reach): it counts as nothing. */
        async abandoned() {
          await attempts.settle(account, "void");
          await attempts.settle(client, "void");
        },
      };
    },

    /** Forgets attempts too old to count. */
    async purgeExpired(now = new Date()): Promise<void> {
      await attempts.purgeBefore(new Date(now.getTime() - windowMs));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
