import { randomUUID } from "node:crypto";
import { Errors } from "../errors.js";
import type { LockRule, LoginThrottleRepository } from "./login-throttle-repository.js";

const WINDOW_MS = 15 * 60_000;

/** A login being tried: it counts as a failure until it is known to have succeeded. */
export type LoginAttempt = {
  /** Whether this attempt, should it fail, locks the account. */
  locksOnFailure: boolean;
  succeeded(): Promise<void>;
  abandoned(): Promise<void>;
};

/**
 * Failed logins counted per account (by the address typed, whether or not it exists, so the
 * throttle reveals nothing) and per client address (with a higher limit: many people may share
 * one). From `maxFailures` failures in the window on, the key is locked for `firstLockSeconds`,
 * then twice as long after each further failure, up to `maxLockSeconds`, from the latest one.
 *
 * A login takes its attempt on both keys, in one atomic step, before the password is hashed, and
 * the attempt counts as a failure while it is being verified: of any number of parallel guesses,
 * on any number of instances, exactly the allowed number are verified.
 */
export function createLoginThrottle(
  attempts: LoginThrottleRepository,
  options: { maxFailures: number; maxFailuresPerClient: number; firstLockSeconds: number; maxLockSeconds: number },
) {
  // Failures must be remembered for as long as the longest lock they can cause.
  const windowMs = Math.max(WINDOW_MS, options.maxLockSeconds * 1000);
  const rule = (maxFailures: number): LockRule => ({
    maxFailures,
    firstLockMs: options.firstLockSeconds * 1000,
    maxLockMs: options.maxLockSeconds * 1000,
  });
  const perAccount = rule(options.maxFailures);
  const perClient = rule(options.maxFailuresPerClient);

  return {
    /** Takes the attempt on the account's key and the client's, or on neither: TOO_MANY_ATTEMPTS. */
    async begin(email: string, clientAddress: string): Promise<LoginAttempt> {
      const id = randomUUID();
      const account = `email:${email}`;
      const client = `ip:${clientAddress}`;
      const answer = await attempts.take(
        id,
        [
          { key: account, rule: perAccount },
          { key: client, rule: perClient },
        ],
        windowMs,
      );
      if (answer > 0) throw Errors.tooManyAttempts(Math.ceil(answer / 1000));
      return {
        locksOnFailure: -answer >= options.maxFailures,
        // The account's earlier failures are forgiven, not the client's: one success does not excuse a spray.
        succeeded: () => attempts.succeed(id, account, client),
        /** The login failed for another reason than the password (a server out of reach): it counts as nothing. */
        abandoned: () => attempts.remove(id, [account, client]),
      };
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
