import { purgeProcessedEvents, type EventLogger } from "@coffer/contracts";
import { purgeRevokedSessions, runExclusive } from "@coffer/contracts/pg";
import type pg from "pg";
import { dropParkedOlderThan } from "../customers/awaiting-customer-repository.js";

const RETENTION_DAYS = 30;
const EVERY_MS = 60 * 60_000;
// Each instance asks this often; the lease lets one of them run per period.
const TICK_MS = 60_000;

/**
 * Hourly, on one instance of all: forgets processed event ids older than any replay could bring
 * back and revoked sessions whose tokens have expired; drops, and counts, events that waited as
 * long for a customer who never came.
 */
export function createRetentionSweep(options: { pool: pg.Pool; logger: EventLogger }): {
  start(): void;
  stop(): void;
} {
  const { pool, logger } = options;
  let timer: NodeJS.Timeout | undefined;

  async function sweep() {
    const [dropped] = await Promise.all([
      dropParkedOlderThan(pool, RETENTION_DAYS),
      purgeProcessedEvents(pool, RETENTION_DAYS),
      purgeRevokedSessions(pool),
    ]);
    if (dropped > 0) logger.warn({ dropped }, "events dropped: their customer never arrived");
  }

  return {
    start() {
      const tick = () =>
        void runExclusive(pool, "retention-sweep", EVERY_MS, sweep).catch((err: unknown) =>
          logger.warn({ err }, "sweep failed"),
        );
      timer = setInterval(tick, TICK_MS).unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
