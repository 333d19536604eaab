import { randomUUID } from "node:crypto";
import { SERVICE_NAME } from "../service.js";
import { completeResumableUploads, type ResumableDeps } from "../uploads/resumable-uploads.js";
import { createPeriodicJob } from "./periodic-job.js";

/** Turns fully received tus uploads into files; woken by each chunk, and every second for other instances' uploads. */
export function createUploadCompleter(deps: ResumableDeps) {
  const worker = `${SERVICE_NAME}-${randomUUID()}`;
  return createPeriodicJob({
    name: "completing resumable uploads",
    intervalMs: 1000,
    logger: deps.logger,
    task: () => completeResumableUploads(deps, worker),
  });
}
