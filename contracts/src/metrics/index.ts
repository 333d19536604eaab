export { registerConsumerGauges } from "./consumer-gauges.js";
export { registerDependencyGauge } from "./dependency-gauge.js";
export { registerOutboxGauges, type OutboxBacklog } from "./outbox-gauges.js";
export { parseMetrics, type Sample, type Scrape } from "./metrics-text.js";
export { registerMetrics, type MetricsSettings } from "./metrics-listener.js";
export {
  DB_CACHE_MS,
  cachedRead,
  createScrapedGauge,
  createServiceMetrics,
  type ConsumerOutcome,
  type GaugeValues,
  type ServiceMetrics,
} from "./service-metrics.js";
export { Counter, Gauge, Histogram } from "prom-client";
