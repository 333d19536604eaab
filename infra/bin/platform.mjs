// Starts Coffer as `make dev` serves it: kong.yml rendered with the signing key, the three services
// from their dist/ builds, the web app's server over web/dist (when given a port), and the
// development gateway in front of them; given several ports for each, several instances of each,
// every gateway balancing over every instance (kong.yml's upstreams). Shared by `make dev` and the end-to-end tests, so what the
// tests prove is what a developer runs.
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";

const root = new URL("../../", import.meta.url).pathname;
/** `make dev`'s metrics ports, each service's first instance's (further ones 10 above the previous). */
export const METRICS_PORTS = { customer: 9101, file: 9102, notification: 9103 };

/**
 * @param {import("./platform.d.mts").PlatformOptions} options
 * @returns {Promise<import("./platform.d.mts").Platform>}
 */
export async function startPlatform(options) {
  const { infraEnv, keysDir, kongFile, onLine } = options;
  // A port per instance: two ports of a service are two instances of it behind every gateway.
  const list = (value) => (value === undefined ? [] : [value].flat());
  const ports = {
    customer: list(options.ports.customer),
    file: list(options.ports.file),
    notification: list(options.ports.notification),
    web: list(options.ports.web),
    gateway: list(options.ports.gateway),
  };
  const instances = Math.max(ports.customer.length, ports.file.length, ports.notification.length, ports.web.length);
  const gatewayUrls = ports.gateway.map((port) => `http://127.0.0.1:${port}`);
  const customerUrl = `http://127.0.0.1:${ports.customer[0]}`;

  const render = spawnSync(
    process.execPath,
    [`${root}kong/render-config.mjs`, "--keys-dir", keysDir, "--out", kongFile, "--instances", String(instances)],
    { encoding: "utf8", env: { ...process.env, ...infraEnv } },
  );
  if (render.status !== 0) throw new Error(`rendering kong.yml failed:\n${render.stderr}`);

  const common = {
    ...infraEnv,
    JWT_KEYS_DIR: keysDir,
    JWT_GENERATE_KEY: "false",
    JWKS_URL: `${customerUrl}/.well-known/jwks.json`,
    PUBLIC_BASE_URL: gatewayUrls[0],
    // The development gateway reaches the services from here: the one hop they believe.
    TRUSTED_PROXIES: "127.0.0.1",
  };
  const services = [
    { key: "customer", name: "customer-service", script: "customer-service/dist/main.js", env: common },
    { key: "file", name: "file-service", script: "file-service/dist/main.js", env: common },
    { key: "notification", name: "notification-service", script: "notification-service/dist/main.js", env: common },
    { key: "web", name: "web", script: "web/server/serve.mjs", env: {} },
  ];
  // kong.yml's target host names (compose's DNS names), pointed at the local ports: `<service>`
  // for one instance, `<service>-<n>` for several (what render-config --instances writes).
  const upstreamHosts = services.flatMap(({ key, name }) =>
    ports[key].length === 0
      ? []
      : Array.from({ length: instances }, (_, i) => {
          const host = instances === 1 ? name : `${name}-${i + 1}`;
          return `${host}=127.0.0.1:${ports[key][i % ports[key].length]}`;
        }),
  );
  const named = (name, i, count) => (count === 1 ? name : `${name}-${i + 1}`);
  const metricsEnv = (key, i) =>
    options.metricsPorts?.[key] ? { METRICS_PORT: String(options.metricsPorts[key] + 10 * i) } : {};
  const processes = [
    ...services.flatMap(({ key, name, script, env }) =>
      ports[key].map((port, i) => ({
        name: named(name, i, ports[key].length),
        script,
        port,
        env: { ...env, ...metricsEnv(key, i), ...options.env?.[key] },
      })),
    ),
    ...ports.gateway.map((port, i) => ({
      name: named("gateway", i, ports.gateway.length),
      script: "kong/dist/main.js",
      port,
      env: {
        KONG_DECLARATIVE_CONFIG: kongFile,
        GATEWAY_PORT: String(port),
        UPSTREAM_HOSTS: upstreamHosts.join(","),
        ...options.env?.gateway,
      },
    })),
  ];

  // Each PostgreSQL service's migrations, once, before any instance starts (the services refuse a
  // schema that lacks one); MIGRATION_DATABASE_URL, when given, bypasses a pooler.
  for (const name of ["file-service", "notification-service"]) {
    const first = processes.find((p) => p.script === `${name}/dist/main.js`);
    if (!first) continue;
    const migration = spawnSync(process.execPath, [`${root}${name}/dist/migrate.js`], {
      encoding: "utf8",
      env: { ...process.env, ...first.env },
    });
    for (const line of `${migration.stdout}${migration.stderr}`.split("\n").filter(Boolean)) onLine(name, line);
    if (migration.status !== 0) throw new Error(`${name}'s migrations failed:\n${migration.stderr}`);
  }

  let stopping = false;
  /** @type {(value: { name: string, code: number | null, signal: string | null }) => void} */
  let reportExit = () => undefined;
  const exited = new Promise((resolve) => (reportExit = resolve));
  /** @type {Map<string, { spec: (typeof processes)[number], child: import("node:child_process").ChildProcess }>} */
  const children = new Map();
  /** Processes stopped on purpose (`kill`): their exit is not reported as one of their own. */
  const deliberate = new WeakSet();
  const launch = (spec) => {
    const child = spawn(process.execPath, ["--enable-source-maps", `${root}${spec.script}`], {
      env: { ...process.env, ...spec.env, PORT: String(spec.port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [child.stdout, child.stderr])
      createInterface({ input: stream }).on("line", (line) => onLine(spec.name, line));
    child.on("exit", (code, signal) => {
      if (!stopping && !deliberate.has(child)) reportExit({ name: spec.name, code, signal });
    });
    children.set(spec.name, { spec, child });
    return child;
  };
  for (const spec of processes) launch(spec);

  const ended = (child) => child.exitCode !== null || child.signalCode !== null;
  const end = (child, signal) =>
    ended(child)
      ? null
      : new Promise((resolve) => {
          child.once("exit", resolve);
          child.kill(signal);
        });

  async function stop() {
    stopping = true;
    await Promise.all([...children.values()].map(({ child }) => end(child, "SIGTERM")));
  }

  const readyUrls = (spec) =>
    spec.script === "web/server/serve.mjs"
      ? [`http://127.0.0.1:${spec.port}/healthz`]
      : spec.script === "kong/dist/main.js"
        ? [`http://127.0.0.1:${spec.port}/health/customer-service/live`]
        : [`http://127.0.0.1:${spec.port}/health/ready`];
  const startTimeoutMs = options.startTimeoutMs ?? 90_000;
  const waitReady = async (urls) => {
    const deadline = Date.now() + startTimeoutMs;
    await Promise.all(
      urls.map(async (url) => {
        for (;;) {
          if (stopping) return;
          const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
            (r) => r.ok,
            () => false,
          );
          if (ok) return;
          if (Date.now() > deadline) throw new Error(`${url} not ready after ${startTimeoutMs} ms`);
          await new Promise((r) => setTimeout(r, 250));
        }
      }),
    );
  };

  const early = exited.then(({ name, code, signal }) => {
    throw new Error(`${name} exited while starting (${signal ?? code})`);
  });
  try {
    await Promise.race([early, waitReady(processes.flatMap(readyUrls))]);
  } catch (error) {
    await stop();
    throw error;
  }
  early.catch(() => undefined);

  const known = (name) => {
    const entry = children.get(name);
    if (!entry) throw new Error(`no process ${name} (there are ${[...children.keys()].join(", ")})`);
    return entry;
  };
  return {
    gatewayUrl: gatewayUrls[0],
    gatewayUrls,
    get pids() {
      return Object.fromEntries([...children].map(([name, { child }]) => [name, child.pid]));
    },
    names: processes.map(({ name }) => name),
    metricsUrls: Object.fromEntries(
      processes
        .filter(({ env }) => env.METRICS_PORT)
        .map(({ name, env }) => [name, `http://127.0.0.1:${env.METRICS_PORT}/metrics`]),
    ),
    stop,
    exited,
    async kill(name, signal = "SIGKILL") {
      const { child } = known(name);
      deliberate.add(child);
      await end(child, signal);
    },
    async start(name) {
      const { child, spec } = known(name);
      if (!ended(child)) throw new Error(`${name} is running`);
      launch(spec);
      await waitReady(readyUrls(spec));
    },
  };
}

/**
 * What the services read from the topology `infra env` describes, in one place for every launcher
 * (make dev, the drills): a database's URLs — through PgBouncer when it runs (`PG_POOLED_URL`), with
 * the session work (LISTEN, the migrations' lock) straight to PostgreSQL — and, on a Kafka of
 * several brokers, topics replicated to three with two in sync.
 *
 * @param {Record<string, string>} infraEnv
 */
export function topologyEnv(infraEnv) {
  const at = (base, name) => Object.assign(new URL(base), { pathname: `/${name}` }).toString();
  const brokers = (infraEnv.KAFKA_BROKERS ?? "").split(",").filter(Boolean).length;
  return {
    /** @param {string} name */
    databaseUrl: (name) => ({
      DATABASE_URL: at(infraEnv.PG_POOLED_URL ?? infraEnv.PG_ADMIN_URL, name),
      DATABASE_LISTEN_URL: at(infraEnv.PG_ADMIN_URL, name),
      MIGRATION_DATABASE_URL: at(infraEnv.PG_ADMIN_URL, name),
    }),
    serviceEnv: brokers >= 3 ? { KAFKA_REPLICATION_FACTOR: "3", KAFKA_MIN_INSYNC_REPLICAS: "2" } : {},
  };
}

/**
 * The servers' addresses and the development secrets: `infra/bin/infra env`, where a variable already
 * set in this process wins (a cluster elsewhere, `make dev` with another topology), as for the tests.
 */
export function readInfraEnv() {
  const output = spawnSync(`${root}infra/bin/infra`, ["env"], { encoding: "utf8" });
  if (output.status !== 0) throw new Error(`infra env failed: ${output.stderr}`);
  return Object.fromEntries(
    output.stdout
      .trim()
      .split("\n")
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)])
      .map(([key, value]) => [key, process.env[key] || value]),
  );
}
