import { DB_CACHE_MS, cachedRead, createScrapedGauge, type ServiceMetrics } from "./service-metrics.js";

export type OutboxBacklog = { pending: number; oldestAgeSeconds: number };

/** `coffer_outbox_pending_events` and `coffer_outbox_oldest_pending_age_seconds`, from the service's outbox. */
export function registerOutboxGauges(metrics: ServiceMetrics, readBacklog: () => Promise<OutboxBacklog>): void {
  const read = cachedRead(readBacklog, DB_CACHE_MS);
  createScrapedGauge(metrics.registry, {
    name: "coffer_outbox_pending_events",
    help: "Events committed but not yet published",
    read: async () => (await read()).pending,
  });
  createScrapedGauge(metrics.registry, {
    name: "coffer_outbox_oldest_pending_age_seconds",
    help: "Age of the oldest event not yet published (0 when none)",
    read: async () => (await read()).oldestAgeSeconds,
  });
}
