import { purgeProcessedEvents, type EventLogger } from "@coffer/contracts";
import { purgeRevokedSessions } from "@coffer/contracts/pg";
import type pg from "pg";
import { dropParkedOlderThan } from "../customers/awaiting-customer-repository.js";

const RETENTION_DAYS = 30;
const EVERY_MS = 60 * 60_000;

/**
 * Hourly: forgets processed event ids older than any replay could bring back and revoked sessions
 * whose tokens have expired; drops, and counts, events that waited as long for a customer who
 * never came.
 */
export function createRetentionSweep(options: { pool: pg.Pool; logger: EventLogger }): {
  start(): void;
  stop(): void;
} {
  const { pool, logger } = options;
  let timer: NodeJS.Timeout | undefined;

  function sweep() {
    Promise.all([purgeProcessedEvents(pool, RETENTION_DAYS), purgeRevokedSessions(pool)]).catch((err: unknown) =>
      logger.warn({ err }, "sweep failed"),
    );
    dropParkedOlderThan(pool, RETENTION_DAYS).then(
      (dropped) => {
        if (dropped > 0) logger.warn({ dropped }, "events dropped: their customer never arrived");
      },
      (err: unknown) => logger.warn({ err }, "sweep failed"),
    );
  }

  return {
    start() {
      timer = setInterval(sweep, EVERY_MS).unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
