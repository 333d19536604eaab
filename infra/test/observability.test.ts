import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { dashboardQueries, startPrometheus, type Prometheus } from "@coffer/contracts/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

// The alert rules, their unit tests, the compose Prometheus's configuration and every dashboard
// query, checked by the real promtool and Prometheus (infra/bin/infra install prometheus).

const run = promisify(execFile);
const root = new URL("../../", import.meta.url);
const observability = new URL("infra/observability/", root);
const prometheusDir = new URL("prometheus/", observability);
const read = (url: URL) => readFileSync(url, "utf8");

type Rule = { alert: string; expr: string; annotations: Record<string, string> };
type RuleTest = {
  alert_rule_test: { alertname: string; exp_alerts: unknown[] }[];
};

const rules = (parse(read(new URL("alerts.yml", prometheusDir))) as { groups: { rules: Rule[] }[] }).groups.flatMap(
  (group) => group.rules,
);
const ruleTests = (parse(read(new URL("alerts.test.yml", prometheusDir))) as { tests: RuleTest[] }).tests;

const promtool = (...args: string[]) =>
  run(process.env.PROMTOOL_BIN!, args, { cwd: prometheusDir.pathname }).catch((error: { stdout: string }) => {
    throw new Error(`promtool ${args.join(" ")}:\n${error.stdout}`);
  });

describe("the alert rules", () => {
  it("pass promtool's checks and unit tests", async () => {
    await promtool("check", "rules", "alerts.yml");
    await promtool("check", "config", "prometheus.yml");
    const { stdout } = await promtool("test", "rules", "alerts.test.yml");
    expect(stdout).toContain("SUCCESS");
  });

  it("are each unit-tested firing and quiet", () => {
    const cases = ruleTests.flatMap((test) => test.alert_rule_test);
    for (const { alert } of rules) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(
        mine.some((c) => c.exp_alerts.length > 0),
        `${alert} fires in a test`,
      ).toBe(true);
      expect(
        mine.some((c) => c.exp_alerts.length === 0),
        `${alert} stays quiet in a test`,
      ).toBe(true);
    }
  });

  it("each name a coffer-ops command that exists in their runbook", () => {
    const cli = read(new URL("infra/ops/src/cli.ts", root));
    const commands = new Set([...cli.matchAll(/\.command\("(\w[\w-]*)/g)].map(([, name]) => name));
    for (const { alert, annotations } of rules) {
      const named = [...(annotations.runbook ?? "").matchAll(/`coffer-ops (\w[\w-]*)/g)].map(([, name]) => name!);
      expect(named, `${alert}'s runbook names a coffer-ops command`).not.toEqual([]);
      for (const command of named) expect(commands, `${alert}: coffer-ops ${command}`).toContain(command);
    }
  });
});

describe("docker-compose.yml's Prometheus and Grafana", () => {
  type Service = {
    environment?: Record<string, string | number>;
    expose?: string[];
    volumes?: string[];
  };
  const compose = parse(read(new URL("docker-compose.yml", root)), { merge: true }) as {
    services: Record<string, Service>;
  };
  const mountOf = (service: Service, path: string) =>
    service.volumes?.find((volume) => volume.split(":")[1] === path)?.split(":")[0];

  it("scrape every service's metrics listener, the port it is given and exposes", () => {
    const config = parse(read(new URL("prometheus.yml", prometheusDir))) as {
      scrape_configs: { static_configs: { targets: string[]; labels: { service: string } }[] }[];
    };
    const targets = config.scrape_configs.flatMap((job) => job.static_configs);
    expect(targets.map((t) => t.labels.service).sort()).toEqual([
      "customer-service",
      "file-service",
      "notification-service",
    ]);
    for (const { targets: addresses, labels } of targets) {
      for (const address of addresses) {
        const [host, port] = address.split(":") as [string, string];
        expect(host).toBe(labels.service);
        expect(String(compose.services[host]!.environment!.METRICS_PORT), `${host}'s METRICS_PORT`).toBe(port);
        expect(compose.services[host]!.expose, `${host} exposes ${port}`).toContain(port);
      }
    }
    expect(mountOf(compose.services.prometheus!, "/etc/prometheus")).toBe("./infra/observability/prometheus");
  });

  it("provision Grafana with the dashboards and the datasource they name", () => {
    const grafana = compose.services.grafana!;
    const provisioning = new URL("grafana/provisioning/", observability);
    expect(mountOf(grafana, "/etc/grafana/provisioning")).toBe("./infra/observability/grafana/provisioning");
    const provider = parse(read(new URL("dashboards/coffer.yml", provisioning))) as {
      providers: { options: { path: string } }[];
    };
    expect(mountOf(grafana, provider.providers[0]!.options.path)).toBe("./infra/observability/grafana/dashboards");
    const datasource = (
      parse(read(new URL("datasources/prometheus.yml", provisioning))) as {
        datasources: { uid: string; url: string }[];
      }
    ).datasources[0]!;
    expect(new URL(datasource.url).port).toBe(compose.services.prometheus!.expose![0]);
    const panelSources = new Set(
      readFileSync(new URL("grafana/dashboards/event-pipeline.json", observability), "utf8").match(/"uid": "[^"]+"/g),
    );
    expect(panelSources).toContain(`"uid": "${datasource.uid}"`);
  });
});

describe("the dashboards", () => {
  let prometheus: Prometheus;
  beforeAll(async () => {
    prometheus = await startPrometheus({ binary: process.env.PROMETHEUS_BIN!, targets: [] });
  });
  afterAll(() => prometheus?.stop());

  it("are one per service and one for the event pipeline", () => {
    const titles = new Set(dashboardQueries("1m").map((q) => q.dashboard));
    expect([...titles].sort()).toEqual([
      "Coffer / customer-service",
      "Coffer / event pipeline",
      "Coffer / file-service",
      "Coffer / notification-service",
    ]);
  });

  it("query only what Prometheus accepts", async () => {
    const refused: string[] = [];
    for (const { dashboard, panel, expr } of dashboardQueries("1m")) {
      await prometheus.query(expr).catch((error: Error) => refused.push(`${dashboard} / ${panel}: ${error.message}`));
    }
    expect(refused).toEqual([]);
  });
});
