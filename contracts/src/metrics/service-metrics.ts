import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";

export type ConsumerOutcome = "processed" | "retried" | "parked" | "dead_lettered" | "duplicate";

/**
 * One service instance's series, on a registry of its own (several apps may share a process in
 * tests): the process's, and what the contracts' machinery counts (outbox relays, consumer runner).
 * A service adds its own series to `registry`.
 */
export type ServiceMetrics = {
  registry: Registry;
  /** Counts events a relay published, or failed to publish, per topic. */
  published(events: readonly { topic: string }[], outcome: "published" | "failed"): void;
  consumed(topic: string, outcome: ConsumerOutcome): void;
};

export function createServiceMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const published = new Counter({
    name: "coffer_events_published_total",
    help: "Events the outbox relay published, per topic",
    labelNames: ["topic"] as const,
    registers: [registry],
  });
  const failures = new Counter({
    name: "coffer_events_publish_failures_total",
    help: "Events the outbox relay failed to publish (they stay in the outbox and are retried), per topic",
    labelNames: ["topic"] as const,
    registers: [registry],
  });
  const records = new Counter({
    name: "coffer_consumer_records_total",
    help: "Records consumed, per topic and outcome",
    labelNames: ["topic", "outcome"] as const,
    registers: [registry],
  });
  return {
    registry,
    published(events, outcome) {
      const counter = outcome === "published" ? published : failures;
      for (const { topic } of events) counter.inc({ topic });
    },
    consumed: (topic, outcome) => records.inc({ topic, outcome }),
  };
}

/** `read`, called at most once per `ttlMs` however many scrapes ask (a failure is not kept). */
export function cachedRead<T>(read: () => Promise<T>, ttlMs: number): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (last && Date.now() - last.at < ttlMs) return last.value;
    const value = read();
    last = { at: Date.now(), value };
    value.catch(() => (last = undefined));
    return value;
  };
}

export type GaugeValues<L extends string> = number | readonly { labels: Record<L, string>; value: number }[];

/**
 * A gauge whose value is read at scrape time, e.g. from the database (cached ~5 s: the same on
 * every instance, aggregated with `max`). When the read fails the gauge has no series: the
 * dependency's own gauge says why.
 */
export function createScrapedGauge<L extends string = never>(
  registry: Registry,
  options: { name: string; help: string; labelNames?: readonly L[]; read: () => Promise<GaugeValues<L>> },
): Gauge<L> {
  return new Gauge<L>({
    name: options.name,
    help: options.help,
    labelNames: options.labelNames ?? [],
    registers: [registry],
    async collect() {
      let values: GaugeValues<L>;
      try {
        values = await options.read();
      } catch {
        this.reset();
        return;
      }
      this.reset();
      if (typeof values === "number") (this as Gauge).set(values);
      else for (const { labels, value } of values) this.set(labels as Partial<Record<L, string>>, value);
    },
  });
}

export const DB_CACHE_MS = 5000;
