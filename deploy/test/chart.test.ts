import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { TOPICS, dlqTopicOf } from "@coffer/contracts";
import { loadConfig as loadCustomerConfig } from "../../customer-service/src/config.js";
import {
  loadConfig as loadFileConfig,
  loadMigrationUrl as loadFileMigrationUrl,
} from "../../file-service/src/config.js";
import {
  loadConfig as loadNotificationConfig,
  loadMigrationUrl as loadNotificationMigrationUrl,
} from "../../notification-service/src/config.js";

// The chart as Kubernetes would receive it (helm template), held to what the services expect:
// their configuration accepts what the chart gives them, Kong reaches them where they listen,
// the topics the services would create exist as KafkaTopics. kubeconform checks the objects'
// shapes (deploy/bin/chart-check); this checks their meaning.

type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  // Each kind's spec is read where it is checked.
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  data?: Record<string, string>;
  stringData?: Record<string, string>;
};

const root = new URL("../../", import.meta.url);
const chart = new URL("deploy/helm/coffer/", root);
const tools = Object.fromEntries(
  execFileSync(new URL("deploy/bin/install-chart-tools", root).pathname, { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.split("=", 2) as [string, string]),
);

function render(valuesFile: string, kubeVersion = "1.33.0"): { text: string; manifests: Manifest[] } {
  const text = execFileSync(
    tools.HELM!,
    ["template", "coffer", chart.pathname, "--namespace", "coffer", "--kube-version", kubeVersion, "-f", valuesFile],
    { encoding: "utf8" },
  );
  return {
    text,
    manifests: parseAllDocuments(text)
      .map((d) => d.toJS() as Manifest)
      .filter(Boolean),
  };
}

const valuesFiles = { minimal: "ci/minimal-values.yaml", ha: "ci/ha-values.yaml" };
const rendered = Object.fromEntries(
  Object.entries(valuesFiles).map(([name, file]) => [name, render(new URL(file, chart).pathname)]),
);

const loaders = {
  "customer-service": loadCustomerConfig,
  "file-service": loadFileConfig,
  "notification-service": loadNotificationConfig,
} as const;
const services = Object.keys(loaders) as (keyof typeof loaders)[];
const METRICS_PORTS = { "customer-service": 9101, "file-service": 9102, "notification-service": 9103 };

/** The Secrets ci/ha-values.yaml names instead of letting the chart make them, as an operator would make them. */
const existingSecrets: Record<string, Record<string, string>> = {
  "coffer-event-keys-managed": { EVENT_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString("base64")}` },
};

const find = (manifests: Manifest[], kind: string, name: string) => {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  expect(found, `${kind} ${name}`).toBeDefined();
  return found!;
};

type Container = {
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: { name: string; value: string }[];
};

/** A container's environment as the kubelet would build it from envFrom and env. */
function environmentOf(manifests: Manifest[], container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, find(manifests, "ConfigMap", from.configMapRef.name).data);
    if (from.secretRef) {
      const { name } = from.secretRef;
      const secret = manifests.find((m) => m.kind === "Secret" && m.metadata.name === name);
      const data = secret?.stringData ?? existingSecrets[name];
      expect(data, `Secret ${name}`).toBeDefined();
      Object.assign(env, data);
    }
  }
  for (const { name, value } of container.env ?? []) env[name] = value;
  return env;
}

const podOf = (manifest: Manifest) => manifest.spec.template.spec;
const topicDocuments = parseAllDocuments(readFileSync(new URL("deploy/examples/strimzi-topics.yaml", root), "utf8"))
  .map((d) => d.toJS() as Manifest)
  .filter((m) => m?.kind === "KafkaTopic");

describe("the Helm chart", () => {
  describe.each(Object.keys(valuesFiles))("rendered with ci/%s-values.yaml", (name) => {
    const { manifests } = rendered[name]!;

    it("gives each service an environment its own configuration accepts, its Jobs too", () => {
      for (const service of services) {
        const [container] = podOf(find(manifests, "Deployment", service)).containers;
        expect(() => loaders[service](environmentOf(manifests, container)), service).not.toThrow();
      }
      const job = (jobName: string) => environmentOf(manifests, podOf(find(manifests, "Job", jobName)).containers[0]);
      expect(loadFileMigrationUrl(job("file-service-migrate"))).toMatch(/^postgres:\/\/.*-rw:5432\/coffer_files$/);
      expect(loadNotificationMigrationUrl(job("notification-service-migrate"))).toMatch(
        /-rw:5432\/coffer_notifications$/,
      );
      expect(() => loadFileConfig(job("file-service-bucket"))).not.toThrow();
      // Topics made by Strimzi are checked, never created.
      expect(loadFileConfig(job("file-service-bucket")).kafka.topics.managed).toBe("external");
    });

    it("probes the health routes: started on /health/live, ready on /health/ready (503 STARTING until started)", () => {
      for (const service of services) {
        const [container] = podOf(find(manifests, "Deployment", service)).containers;
        expect(container.startupProbe.httpGet.path, service).toBe("/health/live");
        expect(container.livenessProbe.httpGet.path, service).toBe("/health/live");
        expect(container.readinessProbe.httpGet.path, service).toBe("/health/ready");
        expect(container.ports, service).toContainEqual({
          name: "metrics",
          containerPort: METRICS_PORTS[service],
          protocol: "TCP",
        });
        const env = environmentOf(manifests, container);
        expect(env.METRICS_PORT, service).toBe(String(METRICS_PORTS[service]));
      }
    });

    it("runs every pod as a non-root user with a read-only root, spread, with a disruption budget and a preStop wait", () => {
      const workloads = manifests.filter((m) => m.kind === "Deployment" || m.kind === "Job");
      expect(workloads.map((m) => m.metadata.name).sort()).toEqual([
        "customer-service",
        "file-service",
        "file-service-bucket",
        "file-service-migrate",
        "kong",
        "notification-service",
        "notification-service-migrate",
        "web",
      ]);
      for (const workload of workloads) {
        const pod = podOf(workload);
        expect(pod.securityContext.runAsNonRoot, workload.metadata.name).toBe(true);
        expect(pod.automountServiceAccountToken, workload.metadata.name).toBe(false);
        for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
          expect(container.securityContext, workload.metadata.name).toMatchObject({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
          });
        }
        if (workload.kind !== "Deployment") continue;
        expect(pod.topologySpreadConstraints.map((c: { topologyKey: string }) => c.topologyKey)).toEqual([
          "topology.kubernetes.io/zone",
          "kubernetes.io/hostname",
        ]);
        expect(pod.containers[0].lifecycle.preStop, workload.metadata.name).toBeDefined();
        const budget = find(manifests, "PodDisruptionBudget", workload.metadata.name);
        expect(budget.spec.selector.matchLabels).toEqual(workload.spec.selector.matchLabels);
        const autoscaler = manifests.find(
          (m) => m.kind === "HorizontalPodAutoscaler" && m.metadata.name === workload.metadata.name,
        );
        // Either a fixed count or an autoscaler owns the replicas, never both.
        expect(autoscaler === undefined, workload.metadata.name).toBe(workload.spec.replicas !== undefined);
      }
      // A SIGTERM gives requests 10 s after the preStop wait: the grace period covers both.
      const fileService = podOf(find(manifests, "Deployment", "file-service"));
      expect(fileService.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(10 + 10 + 10);
    });

    it("migrates and makes the bucket in singleton hook Jobs before an install or upgrade changes the Deployments", () => {
      for (const [jobName, service, script] of [
        ["file-service-migrate", "file-service", "migrate"],
        ["notification-service-migrate", "notification-service", "migrate"],
        ["file-service-bucket", "file-service", "bucket"],
      ] as const) {
        const job = find(manifests, "Job", jobName);
        expect(job.metadata.annotations).toMatchObject({
          "helm.sh/hook": "pre-install,pre-upgrade",
          "coffer.io/instances": "one",
        });
        expect(job.spec).toMatchObject({ parallelism: 1, completions: 1 });
        const [container] = podOf(job).containers;
        expect(container.image).toMatch(new RegExp(`/${service}:`));
        expect(container.command).toEqual(["node", "--enable-source-maps", `dist/${script}.js`]);
        expect(existsSync(new URL(`${service}/src/${script}.ts`, root)), `${service}/src/${script}.ts`).toBe(true);
        // What the Job reads exists before it: hooks of a lower weight.
        for (const from of container.envFrom) {
          const refName = from.configMapRef?.name ?? from.secretRef?.name;
          const source = manifests.find((m) => m.metadata.name === refName && m.kind !== "NetworkPolicy");
          if (!source) continue; // an existing Secret
          expect(source.metadata.annotations?.["helm.sh/hook"], refName).toBe("pre-install,pre-upgrade");
          expect(Number(source.metadata.annotations?.["helm.sh/hook-weight"])).toBeLessThan(
            Number(job.metadata.annotations!["helm.sh/hook-weight"]),
          );
        }
      }
    });

    it("routes Kong to the Services where the services listen, with kong.yml rendered from the chart's copy", () => {
      const kong = parseAllDocuments(readFileSync(new URL("kong/kong.yml", root), "utf8"))[0]!.toJS() as {
        services: { name: string; url: string }[];
      };
      for (const { name: kongService, url } of kong.services) {
        const { hostname, port } = new URL(url);
        const service = find(manifests, "Service", hostname);
        expect(
          service.spec.ports.map((p: { port: number }) => String(p.port)),
          kongService,
        ).toContain(port);
      }
      const template = find(manifests, "ConfigMap", "kong-template");
      for (const file of ["kong.yml", "render-config.mjs", "access-log.conf"])
        expect(template.data![file], file).toBe(readFileSync(new URL(`kong/${file}`, root), "utf8"));
      const pod = podOf(find(manifests, "Deployment", "kong"));
      const render = pod.initContainers[0];
      expect(render.command.slice(0, 2)).toEqual(["node", "/kong/render-config.mjs"]);
      expect(render.env.map((e: { name: string }) => e.name).sort()).toEqual(["CORS_ORIGINS", "REDIS_URL"]);
    });

    it("lets only Kong reach the services' APIs (and the services customer-service's JWKS), the web app reach nothing", () => {
      const policy = (policyName: string) => find(manifests, "NetworkPolicy", policyName).spec;
      const components = (peers: { podSelector?: { matchLabels: Record<string, string> } }[]) =>
        peers.map((p) => p.podSelector?.matchLabels["app.kubernetes.io/component"]);
      expect(policy("coffer-default-deny").policyTypes).toEqual(["Ingress", "Egress"]);
      for (const service of services) {
        const [api] = policy(service).ingress;
        expect(api.ports).toEqual([{ port: "http", protocol: "TCP" }]);
        expect(components(api.from), service).toEqual(
          service === "customer-service" ? ["kong", "file-service", "notification-service"] : ["kong"],
        );
      }
      expect(policy("web").egress).toBeUndefined();
      expect(policy("web").policyTypes).toContain("Egress");
      expect(components(policy("web").ingress[0].from)).toEqual(["kong"]);
    });
  });

  it("renders what was reviewed (update: deploy/bin/chart-check -u)", async () => {
    for (const [name, { text }] of Object.entries(rendered))
      await expect(text).toMatchFileSnapshot(`__snapshots__/${name}.yaml`);
  });
});

describe("the engines' examples", () => {
  it("have a KafkaTopic for every topic of contracts and its dead-letter topic: partitions, 3 replicas, min.insync.replicas 2", () => {
    const values = parseAllDocuments(readFileSync(new URL("values.yaml", chart), "utf8"))[0]!.toJS() as {
      kafka: { topicPartitions: number };
    };
    const expected = Object.values(TOPICS).flatMap((topic) => [topic, dlqTopicOf(topic)]);
    const byName = new Map(topicDocuments.map((t) => [t.spec.topicName as string, t]));
    expect(expected.filter((topic) => !byName.has(topic))).toEqual([]);
    for (const topic of expected) {
      const { spec } = byName.get(topic)!;
      expect(spec.partitions, topic).toBeGreaterThanOrEqual(values.kafka.topicPartitions);
      expect(spec.replicas, topic).toBe(3);
      expect(spec.config["min.insync.replicas"], topic).toBe(2);
    }
  });

  it("give the services a MongoDB replica set with majority writes", () => {
    const [secret] = parseAllDocuments(readFileSync(new URL("deploy/examples/mongodb.yaml", root), "utf8")).map(
      (d) => d.toJS() as Manifest,
    );
    const url = secret!.stringData!.MONGO_URL!;
    // Several hosts: no WHATWG URL, but its options are a query string all the same.
    const options = new URLSearchParams(url.split("?")[1]);
    expect(options.get("w")).toBe("majority");
    expect(options.get("replicaSet")).toBeTruthy();
    expect(url.split("@")[1]!.split("/")[0]!.split(",")).toHaveLength(3);
    const [container] = podOf(find(rendered.minimal!.manifests, "Deployment", "customer-service")).containers;
    expect(() =>
      loadCustomerConfig({ ...environmentOf(rendered.minimal!.manifests, container), MONGO_URL: url }),
    ).not.toThrow();
  });
});
