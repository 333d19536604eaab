import { purgeProcessedEvents } from "@coffer/contracts";
import { purgeRevokedSessions, runExclusive } from "@coffer/contracts/pg";
import type { Server } from "@tus/server";
import { forgetExpiredShareState } from "../shares/share-service.js";
import { purgeExpiredTrash, type TrashDeps } from "../trash/trash-service.js";
import { UPLOAD_EXPIRY_MS, expireResumableUploads, type ResumableDeps } from "../uploads/resumable-uploads.js";
import { createPeriodicJob } from "./periodic-job.js";
import { reconcileStorage } from "./storage-reconciler.js";

const PROCESSED_EVENTS_RETENTION_DAYS = 30;

/**
 * Once per `periodMs` (an hour) on one instance of all, each asking every sixtieth of it: trash
 * past its retention, resumable uploads past their expiry, expired share grants and share sends
 * past their window, processed event ids past any replay, revoked sessions past their tokens,
 * objects no row references (older than an upload can stay open).
 */
export function createHourlySweep(deps: TrashDeps & ResumableDeps, tus: Server, periodMs: number) {
  return createPeriodicJob({
    name: "hourly sweep",
    intervalMs: periodMs / 60,
    logger: deps.logger,
    task: () =>
      runExclusive(deps.pool, "hourly-sweep", periodMs, () =>
        Promise.all([
          purgeExpiredTrash(deps),
          expireResumableUploads(deps, tus),
          forgetExpiredShareState(deps.pool),
          purgeProcessedEvents(deps.pool, PROCESSED_EVENTS_RETENTION_DAYS),
          reconcileStorage(deps, UPLOAD_EXPIRY_MS),
          purgeRevokedSessions(deps.pool),
        ]),
      ),
  });
}
