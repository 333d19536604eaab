import { purgeProcessedEvents } from "@coffer/contracts";
import { purgeRevokedSessions } from "@coffer/contracts/pg";
import type { Server } from "@tus/server";
import { forgetExpiredShareState } from "../shares/share-service.js";
import { purgeExpiredTrash, type TrashDeps } from "../trash/trash-service.js";
import { UPLOAD_EXPIRY_MS, expireResumableUploads, type ResumableDeps } from "../uploads/resumable-uploads.js";
import { createPeriodicJob } from "./periodic-job.js";
import { reconcileStorage } from "./storage-reconciler.js";

const SWEEP_INTERVAL_MS = 60 * 60_000;
const PROCESSED_EVENTS_RETENTION_DAYS = 30;

/**
 * Hourly: trash past its retention, resumable uploads past their expiry, expired share grants and
 * share sends past their window, processed event ids past any replay, revoked sessions past their
 * tokens, objects no row references (older than an upload can stay open).
 */
export function createHourlySweep(deps: TrashDeps & ResumableDeps, tus: Server) {
  return createPeriodicJob({
    name: "hourly sweep",
    intervalMs: SWEEP_INTERVAL_MS,
    logger: deps.logger,
    task: () =>
      Promise.all([
        purgeExpiredTrash(deps),
        expireResumableUploads(deps, tus),
        forgetExpiredShareState(deps.pool),
        purgeProcessedEvents(deps.pool, PROCESSED_EVENTS_RETENTION_DAYS),
        reconcileStorage(deps, UPLOAD_EXPIRY_MS),
        purgeRevokedSessions(deps.pool),
      ]),
  });
}
