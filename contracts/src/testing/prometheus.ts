import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./free-port.js";

const OBSERVABILITY = fileURLToPath(new URL("../../../infra/observability/", import.meta.url));
const START_TIMEOUT_MS = 60_000;

export type PrometheusSample = { metric: Record<string, string>; value: [number, string] };
export type PrometheusRange = { metric: Record<string, string>; values: [number, string][] };
export type Prometheus = {
  url: string;
  /** An instant query's result; throws with Prometheus's error when the expression is refused. */
  query(expr: string): Promise<PrometheusSample[]>;
  queryRange(expr: string, range: { start: number; end: number; step: number }): Promise<PrometheusRange[]>;
  stop(): Promise<void>;
};

/** A dashboard panel's query, as Grafana sends it once its variables are expanded. */
export type DashboardQuery = { dashboard: string; panel: string; legend: string; expr: string };

/**
 * A real Prometheus (`infra install prometheus`) on a free port with a data directory of its own,
 * scraping `targets` (host:port of each service's metrics listener) as docker-compose.yml's
 * infra/observability/prometheus/prometheus.yml does, with the alert rules loaded.
 */
export async function startPrometheus(options: {
  binary: string;
  targets: { service: string; address: string }[];
  scrapeIntervalSeconds?: number;
}): Promise<Prometheus> {
  if (!existsSync(options.binary)) {
    throw new Error(`${options.binary} is missing: run infra/bin/infra install prometheus`);
  }
  const dir = mkdtempSync(join(tmpdir(), "coffer-prometheus-"));
  const interval = `${options.scrapeIntervalSeconds ?? 1}s`;
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval },
    rule_files: [join(OBSERVABILITY, "prometheus", "alerts.yml")],
    scrape_configs: [
      {
        job_name: "coffer",
        honor_labels: true,
        static_configs: options.targets.map(({ service, address }) => ({ targets: [address], labels: { service } })),
      },
    ],
  };
  // JSON is YAML: no YAML writer needed.
  writeFileSync(join(dir, "prometheus.yml"), JSON.stringify(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    options.binary,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`Prometheus did not become ready:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  return { ...prometheusClient(url), stop };
}

/** Prometheus's query API at `url`. */
export function prometheusClient(url: string): Omit<Prometheus, "stop"> {
  async function api<T>(path: string, params: Record<string, string>): Promise<T> {
    const response = await fetch(`${url}/api/v1/${path}`, { method: "POST", body: new URLSearchParams(params) });
    const body = (await response.json()) as { status: string; data?: { result: T }; error?: string };
    if (body.status !== "success") throw new Error(`${params.query}: ${body.error}`);
    return body.data!.result;
  }
  return {
    url,
    query: (expr) => api<PrometheusSample[]>("query", { query: expr }),
    queryRange: (expr, { start, end, step }) =>
      api<PrometheusRange[]>("query_range", {
        query: expr,
        start: String(start),
        end: String(end),
        step: String(step),
      }),
  };
}

type GrafanaDashboard = {
  title: string;
  panels: { type: string; title: string; targets?: { expr: string; legendFormat?: string }[] }[];
};

/**
 * Every query of the Grafana dashboards in infra/observability/grafana/dashboards, with Grafana's
 * `$__rate_interval` replaced by `rateInterval`.
 */
export function dashboardQueries(rateInterval: string): DashboardQuery[] {
  const dir = join(OBSERVABILITY, "grafana", "dashboards");
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .flatMap((name) => {
      const dashboard = JSON.parse(readFileSync(join(dir, name), "utf8")) as GrafanaDashboard;
      return dashboard.panels.flatMap((panel) =>
        (panel.targets ?? []).map((target) => ({
          dashboard: dashboard.title,
          panel: panel.title,
          legend: target.legendFormat ?? "",
          expr: target.expr.replaceAll("$__rate_interval", rateInterval),
        })),
      );
    });
}
