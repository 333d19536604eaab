import type { FastifyBaseLogger } from "fastify";
import { expireUnverified, type AccountDeps } from "../accounts/account-service.js";

const DAY_MS = 24 * 3600_000;

export type CleanupDeps = AccountDeps & { unverifiedAccountTtlHours: number };

/**
 * What TTL indexes would do on MongoDB, done by the service (FerretDB has none): forget dead
 * sessions, expired link tokens, old mails, and tombstones whose event is published.
 * Registrations left unverified are deleted (and `customer.deleted` published).
 */
export async function cleanUp(deps: CleanupDeps, now = new Date()): Promise<void> {
  await deps.sessions.purgeEnded(now);
  await deps.accounts.purgeExpired(now, new Date(now.getTime() - DAY_MS));
  await expireUnverified(deps, deps.unverifiedAccountTtlHours, now);
  await deps.mails.purgeExpired(now);
}

/** Runs `cleanUp` every `intervalMs` on every instance: each step is a conditional write, so two at once do no harm. */
export function createCleanupJob(deps: CleanupDeps, options: { intervalMs: number; logger: FastifyBaseLogger }) {
  let timer: NodeJS.Timeout | undefined;
  return {
    start() {
      timer = setInterval(() => {
        cleanUp(deps).catch((err: unknown) => options.logger.warn({ err }, "cleanup failed"));
      }, options.intervalMs).unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
