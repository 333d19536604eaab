import type { Models } from "../customers/customer-model.js";
import { Errors } from "../errors.js";
import { createAttemptLedger, type Attempt, type Decide } from "../limits/attempt-ledger.js";

const WINDOW_MS = 15 * 60_000;

/** A login being tried: it counts as a failure until it is known to have succeeded. */
export type LoginAttempt = { succeeded(): Promise<void> };

/**
 * Failed logins counted per account (by the address typed, whether or not it exists, so the
 * throttle reveals nothing) and per client address (with a higher limit: many people may share
 * one). From `maxFailures` failures in the window on, the key is locked for 1 s, 2 s, 4 s, … up
 * to `maxLockSeconds`, counted from the latest one.
 *
 * A login takes its attempt on both keys before the password is hashed, and the attempt counts
 * as a failure while it is being verified: parallel guesses, on any number of instances, are
 * refused as soon as the attempts taken reach the limit, not once their failures are recorded.
 */
export function createLoginThrottle(
  models: Models,
  options: { maxFailures: number; maxFailuresPerClient: number; maxLockSeconds: number },
) {
  const ledger = createAttemptLedger(models.LoginAttempt);
  // Failures must be remembered for as long as the longest lock they can cause.
  const windowMs = Math.max(WINDOW_MS, options.maxLockSeconds * 1000);

  function limit(maxFailures: number, forgivenBySuccess: boolean): Decide {
    return (recent: readonly Attempt[], now: number) => {
      const lastSuccess = forgivenBySuccess ? recent.findIndex((a) => a.outcome === "succeeded") : -1;
      const failures = (lastSuccess === -1 ? recent : recent.slice(0, lastSuccess)).filter(
        (a) => a.outcome === "counted",
      );
      const over = failures.length - maxFailures;
      if (over < 0) return 0;
      const lockedUntil = failures[0]!.at.getTime() + Math.min(options.maxLockSeconds, 2 ** over) * 1000;
      return Math.max(0, (lockedUntil - now) / 1000);
    };
  }
  // A success forgives the account's earlier failures, not the client's: one success does not excuse a spray.
  const perAccount = limit(options.maxFailures, true);
  const perClient = limit(options.maxFailuresPerClient, false);

  return {
    /** Takes the attempt on the account's key and the client's, or on neither: TOO_MANY_ATTEMPTS. */
    async begin(email: string, clientAddress: string): Promise<LoginAttempt> {
      const since = new Date(Date.now() - windowMs);
      const account = await ledger.take(`email:${email}`, since, perAccount);
      if (!account.ok) throw Errors.tooManyAttempts(account.retryAfterSeconds);
      const client = await ledger.take(`ip:${clientAddress}`, since, perClient);
      if (!client.ok) {
        await ledger.settle(account.id, "void");
        throw Errors.tooManyAttempts(client.retryAfterSeconds);
      }
      return {
        async succeeded() {
          await ledger.settle(account.id, "succeeded");
          await ledger.settle(client.id, "succeeded");
        },
      };
    },

    /** Forgets attempts too old to count. */
    async purgeExpired(now = new Date()): Promise<void> {
      await ledger.purgeBefore(new Date(now.getTime() - windowMs));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
