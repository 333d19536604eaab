import {
  DB_CACHE_MS,
  Gauge,
  Histogram,
  cachedRead,
  createScrapedGauge,
  type ServiceMetrics,
} from "@coffer/contracts/metrics";
import type pg from "pg";
import type { Mailer } from "../mail/mailer.js";
import { readNotificationGauges } from "./metrics-repository.js";

const STATUSES = ["pending", "sent", "failed"] as const;

/** notification-service's own series beside the common ones: the delivery log, parked events, open streams. */
export function registerNotificationGauges(
  { registry }: ServiceMetrics,
  { pool, streamsOpen }: { pool: pg.Pool; streamsOpen: () => number },
): void {
  const read = cachedRead(() => readNotificationGauges(pool), DB_CACHE_MS);
  createScrapedGauge(registry, {
    name: "coffer_deliveries",
    help: "Mails of the delivery log, by status",
    labelNames: ["status"] as const,
    read: async () => {
      const { statuses } = await read();
      return STATUSES.map((status) => ({
        labels: { status },
        value: statuses.find((s) => s.status === status)?.count ?? 0,
      }));
    },
  });
  createScrapedGauge(registry, {
    name: "coffer_deliveries_oldest_pending_age_seconds",
    help: "Age of the oldest mail not sent yet (0 when none)",
    read: async () => (await read()).oldestPendingAgeSeconds,
  });
  createScrapedGauge(registry, {
    name: "coffer_awaiting_customer_events",
    help: "Events parked until their customer's profile arrives",
    read: async () => (await read()).awaiting,
  });
  new Gauge({
    name: "coffer_live_streams_open",
    help: "Live inbox streams this instance holds open",
    registers: [registry],
    collect() {
      this.set(streamsOpen());
    },
  });
}

/** The mailer, its sends timed in `coffer_smtp_send_duration_seconds{outcome}`. */
export function timedMailer({ registry }: ServiceMetrics, mailer: Mailer): Mailer {
  const duration = new Histogram({
    name: "coffer_smtp_send_duration_seconds",
    help: "Time the SMTP server took to accept (sent) or refuse (failed) a mail",
    labelNames: ["outcome"] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return {
    ...mailer,
    async send(...args) {
      const end = duration.startTimer();
      try {
        const id = await mailer.send(...args);
        end({ outcome: "sent" });
        return id;
      } catch (error) {
        end({ outcome: "failed" });
        throw error;
      }
    },
  };
}
