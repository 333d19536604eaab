import type { EventLogger } from "@coffer/contracts";
import { AppError, type AccessCheck, type VerifiedCustomer } from "@coffer/contracts/http";
import { ACCESS_REVOKED_CHANNEL, type AccessRevoked } from "@coffer/contracts/pg";
import { createPgListener } from "./pg-listener.js";

export type StreamRevocations = {
  /** Calls `end` once the customer's session loses access, whichever instance applied the revocation; returns the unwatch. */
  watch(customer: VerifiedCustomer, end: () => void): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
};

type Watch = { customer: VerifiedCustomer; end: () => void };

/**
 * Ends the live streams of revoked sessions (logout, password change or reset, disable, deletion).
 * The access projection NOTIFYs ACCESS_REVOKED_CHANNEL when a revocation commits, and every
 * instance LISTENs. Whatever a notification cannot cover is checked against the projection: a
 * stream that starts watching (the revocation may have committed since its request was
 * authenticated), and every watched stream after the LISTEN connection comes back.
 */
export function createStreamRevocations(options: {
  connectionString: string;
  check: AccessCheck;
  logger: EventLogger;
}): StreamRevocations {
  const watched = new Map<string, Set<Watch>>();

  function revoke({ customerId, sessionId }: AccessRevoked) {
    for (const watch of [...(watched.get(customerId) ?? [])]) {
      if (!sessionId || sessionId === watch.customer.sessionId) watch.end();
    }
  }

  async function recheck(watch: Watch) {
    try {
      await options.check(watch.customer);
    } catch (error) {
      if (error instanceof AppError) watch.end();
      else options.logger.warn({ err: error }, "a live stream's session could not be checked");
    }
  }

  const listener = createPgListener({
    connectionString: options.connectionString,
    channel: ACCESS_REVOKED_CHANNEL,
    name: "access revocation",
    logger: options.logger,
    onNotification(payload) {
      try {
        revoke(JSON.parse(payload ?? "") as AccessRevoked);
      } catch (err) {
        options.logger.warn({ err }, "unreadable access revocation");
      }
    },
    onListening() {
      for (const watches of watched.values()) for (const watch of [...watches]) void recheck(watch);
    },
  });

  return {
    watch(customer, end) {
      const watch = { customer, end };
      const set = watched.get(customer.customerId) ?? new Set();
      set.add(watch);
      watched.set(customer.customerId, set);
      void recheck(watch);
      return () => {
        set.delete(watch);
        if (set.size === 0 && watched.get(customer.customerId) === set) watched.delete(customer.customerId);
      };
    },
    start: () => listener.start(),
    stop: () => listener.stop(),
  };
}
