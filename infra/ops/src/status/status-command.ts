import { parseMetrics, type Sample } from "@coffer/contracts/metrics";
import type { OpsContext } from "../context.js";
import { EXIT } from "../errors.js";
import { formatTable, printJson } from "../output.js";

const SCRAPE_TIMEOUT_MS = 5000;

type Instance = { url: string; samples: Sample[] } | { url: string; error: string };

async function scrape(url: string): Promise<Instance> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
    if (!response.ok) return { url, error: `answered ${response.status}` };
    return { url, samples: parseMetrics(await response.text()).samples };
  } catch (error) {
    return { url, error: (error as Error).message };
  }
}

/**
 * The largest value of each series of `name` across the instances, by the labels named: the
 * database- and Kafka-derived gauges are the same on every instance of a service (a lagging
 * cache aside), so the largest is the latest.
 */
function maxBy(samples: readonly Sample[], name: string, labels: readonly string[]) {
  const rows = new Map<string, { labels: Record<string, string>; value: number }>();
  for (const s of samples.filter((sample) => sample.name === name)) {
    const picked = Object.fromEntries(labels.map((l) => [l, s.labels[l] ?? ""]));
    const key = JSON.stringify(picked);
    const row = rows.get(key);
    if (!row || s.value > row.value) rows.set(key, { labels: picked, value: s.value });
  }
  return [...rows.values()].sort((a, b) => JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)));
}

const seconds = (value: number | undefined) => (value === undefined ? undefined : `${Math.round(value)}s`);

/**
 * One screen for the operator without Grafana, from the services' GET /metrics: each service's
 * outbox (pending, oldest age), each group's lag per topic, each dead-letter topic's depth, and
 * the deliveries waiting. Exit 5 when an instance cannot be scraped (the rest is still shown).
 */
export async function statusCommand(ctx: OpsContext): Promise<number> {
  const instances = await Promise.all(ctx.config.metricsUrls.map(scrape));
  const samples = instances.flatMap((i) => ("samples" in i ? i.samples : []));
  const unreachable = instances.flatMap((i) => ("error" in i ? [{ url: i.url, error: i.error }] : []));
  const age = maxBy(samples, "coffer_outbox_oldest_pending_age_seconds", ["service"]);
  const outbox = maxBy(samples, "coffer_outbox_pending_events", ["service"]).map(({ labels, value }) => ({
    service: labels.service!,
    pending: value,
    oldestAgeSeconds: age.find((a) => a.labels.service === labels.service)?.value ?? 0,
  }));
  const lagByTopic = new Map<string, { group: string; topic: string; lag: number }>();
  for (const { labels, value } of maxBy(samples, "coffer_consumer_lag", ["group", "topic", "partition"])) {
    const key = `${labels.group} ${labels.topic}`;
    const row = lagByTopic.get(key) ?? { group: labels.group!, topic: labels.topic!, lag: 0 };
    row.lag += value;
    lagByTopic.set(key, row);
  }
  const lag = [...lagByTopic.values()];
  const dlq = maxBy(samples, "coffer_dlq_records", ["topic"]).map(({ labels, value }) => ({
    topic: labels.topic!,
    records: value,
  }));
  const byStatus = maxBy(samples, "coffer_deliveries", ["status"]);
  const deliveries = {
    pending: byStatus.find((s) => s.labels.status === "pending")?.value,
    failed: byStatus.find((s) => s.labels.status === "failed")?.value,
    oldestPendingAgeSeconds: maxBy(samples, "coffer_deliveries_oldest_pending_age_seconds", [])[0]?.value,
  };
  const exitCode = unreachable.length > 0 ? EXIT.unavailable : EXIT.ok;
  if (ctx.json) {
    printJson(ctx.io, { outbox, lag, dlq, deliveries, unreachable });
    return exitCode;
  }
  const lines = [
    "OUTBOX",
    formatTable(
      ["SERVICE", "PENDING", "OLDEST"],
      outbox.map((o) => [o.service, o.pending, seconds(o.oldestAgeSeconds)]),
    ),
    "",
    "CONSUMER LAG",
    formatTable(
      ["GROUP", "TOPIC", "LAG"],
      lag.filter((l) => l.lag > 0 || lag.length <= 20).map((l) => [l.group, l.topic, l.lag]),
    ),
    "",
    "DEAD LETTERS",
    formatTable(
      ["TOPIC", "RECORDS"],
      dlq.filter((d) => d.records > 0).map((d) => [d.topic, d.records]),
    ),
    "",
    "DELIVERIES",
    formatTable(
      ["PENDING", "OLDEST PENDING", "FAILED"],
      [[deliveries.pending, seconds(deliveries.oldestPendingAgeSeconds), deliveries.failed]],
    ),
  ];
  for (const { url, error } of unreachable) lines.push(`unreachable: ${url} (${error})`);
  ctx.io.stdout.write(`${lines.join("\n")}\n`);
  return exitCode;
}
