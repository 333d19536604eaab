import { AppError } from "@coffer/contracts/http";
import {
  Counter,
  DB_CACHE_MS,
  Gauge,
  cachedRead,
  createScrapedGauge,
  type ServiceMetrics,
} from "@coffer/contracts/metrics";
import type pg from "pg";
import { readFileGauges } from "./metrics-repository.js";

export type ShareMetrics = {
  /** A share download served. */
  downloaded(): void;
  /** A share link's request refused with a 4xx code: counted by that code, lower-cased, without `SHARE_`. */
  refused(error: unknown): void;
};

/** file-service's own series beside the common ones: the database's [db] gauges, uploads in flight, share counters. */
export function createFileMetrics(
  metrics: ServiceMetrics,
  { pool, uploadsInFlight }: { pool: pg.Pool; uploadsInFlight: () => number },
): ShareMetrics {
  const { registry } = metrics;
  const read = cachedRead(() => readFileGauges(pool), DB_CACHE_MS);
  createScrapedGauge(registry, {
    name: "coffer_upload_reserved_bytes",
    help: "Bytes reserved against quotas by uploads in progress",
    read: async () => (await read()).reserved,
  });
  createScrapedGauge(registry, {
    name: "coffer_tus_uploads_in_progress",
    help: "Resumable uploads open or being completed",
    read: async () => (await read()).tus,
  });
  createScrapedGauge(registry, {
    name: "coffer_object_deletions_queued",
    help: "Stored objects waiting to be deleted",
    read: async () => (await read()).deletions,
  });
  new Gauge({
    name: "coffer_uploads_in_flight",
    help: "Requests this instance is receiving content for (multipart uploads, tus chunks, restores)",
    registers: [registry],
    collect() {
      this.set(uploadsInFlight());
    },
  });
  const downloads = new Counter({
    name: "coffer_share_downloads_total",
    help: "Share downloads served",
    registers: [registry],
  });
  const refusals = new Counter({
    name: "coffer_share_refusals_total",
    help: "Share link requests refused, by reason",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  return {
    downloaded: () => downloads.inc(),
    refused(error) {
      if (!(error instanceof AppError) || error.statusCode >= 500) return;
      refusals.inc({ reason: error.code.replace(/^SHARE_/, "").toLowerCase() });
    },
  };
}
