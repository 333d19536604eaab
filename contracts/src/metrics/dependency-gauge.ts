import type { DependencyCheck } from "../http/readiness.js";
import { probe } from "../http/health-routes.js";
import { DB_CACHE_MS, cachedRead, createScrapedGauge, type ServiceMetrics } from "./service-metrics.js";

// The readiness check's name where the metric's label says it shorter.
const LABELS: Record<string, string> = { "schema-registry": "registry" };

/** `coffer_dependency_up{dependency}`: the readiness checks, probed at scrape time (cached). */
export function registerDependencyGauge(metrics: ServiceMetrics, checks: readonly DependencyCheck[]): void {
  const read = cachedRead(
    () =>
      Promise.all(
        checks.map(async (check) => ({
          labels: { dependency: LABELS[check.name] ?? check.name },
          value: (await probe(check)) ? 1 : 0,
        })),
      ),
    DB_CACHE_MS,
  );
  createScrapedGauge(metrics.registry, {
    name: "coffer_dependency_up",
    help: "Whether a dependency answers this instance's readiness check (1) or not (0)",
    labelNames: ["dependency"] as const,
    read,
  });
}
