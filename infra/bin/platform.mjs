// Starts Coffer as `make dev` serves it: kong.yml rendered with the signing key, the three services
// from their dist/ builds, the web app's server over web/dist (when given a port), and the
// development gateway in front of them. Shared by `make dev` and the end-to-end tests, so what the
// tests prove is what a developer runs.
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";

const root = new URL("../../", import.meta.url).pathname;

/**
 * @param {import("./platform.d.mts").PlatformOptions} options
 * @returns {Promise<import("./platform.d.mts").Platform>}
 */
export async function startPlatform(options) {
  const { ports, infraEnv, keysDir, kongFile, onLine } = options;
  const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
  const customerUrl = `http://127.0.0.1:${ports.customer}`;

  const render = spawnSync(
    process.execPath,
    [`${root}kong/render-config.mjs`, "--keys-dir", keysDir, "--out", kongFile],
    { encoding: "utf8", env: { ...process.env, ...infraEnv } },
  );
  if (render.status !== 0) throw new Error(`rendering kong.yml failed:\n${render.stderr}`);

  const common = {
    ...infraEnv,
    JWT_KEYS_DIR: keysDir,
    JWT_GENERATE_KEY: "false",
    JWKS_URL: `${customerUrl}/.well-known/jwks.json`,
    PUBLIC_BASE_URL: gatewayUrl,
    // The development gateway reaches the services from here: the one hop they believe.
    TRUSTED_PROXIES: "127.0.0.1",
  };
  const upstreamPorts = {
    "customer-service": ports.customer,
    "file-service": ports.file,
    "notification-service": ports.notification,
    ...(ports.web !== undefined && { web: ports.web }),
  };
  const processes = [
    {
      name: "customer-service",
      script: "customer-service/dist/main.js",
      port: ports.customer,
      env: { ...common, ...options.env?.customer },
    },
    {
      name: "file-service",
      script: "file-service/dist/main.js",
      port: ports.file,
      env: { ...common, ...options.env?.file },
    },
    {
      name: "notification-service",
      script: "notification-service/dist/main.js",
      port: ports.notification,
      env: { ...common, ...options.env?.notification },
    },
    ...(ports.web === undefined
      ? []
      : [{ name: "web", script: "web/server/serve.mjs", port: ports.web, env: { ...options.env?.web } }]),
    {
      name: "gateway",
      script: "kong/dist/main.js",
      port: ports.gateway,
      env: {
        KONG_DECLARATIVE_CONFIG: kongFile,
        GATEWAY_PORT: String(ports.gateway),
        // compose's DNS names, pointed at the local ports
        UPSTREAM_HOSTS: Object.entries(upstreamPorts)
          .map(([host, port]) => `${host}=127.0.0.1:${port}`)
          .join(","),
        ...options.env?.gateway,
      },
    },
  ];

  let stopping = false;
  /** @type {(value: { name: string, code: number | null, signal: string | null }) => void} */
  let reportExit = () => undefined;
  const exited = new Promise((resolve) => (reportExit = resolve));
  const children = processes.map(({ name, script, port, env }) => {
    const child = spawn(process.execPath, ["--enable-source-maps", `${root}${script}`], {
      env: { ...process.env, ...env, PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [child.stdout, child.stderr])
      createInterface({ input: stream }).on("line", (line) => onLine(name, line));
    child.on("exit", (code, signal) => {
      if (!stopping) reportExit({ name, code, signal });
    });
    return { name, child };
  });

  async function stop() {
    stopping = true;
    await Promise.all(
      children.map(({ child }) =>
        child.exitCode !== null || child.signalCode !== null
          ? null
          : new Promise((resolve) => {
              child.once("exit", resolve);
              child.kill("SIGTERM");
            }),
      ),
    );
  }

  const ready = [
    `${customerUrl}/health/ready`,
    `http://127.0.0.1:${ports.file}/health/ready`,
    `http://127.0.0.1:${ports.notification}/health/ready`,
    `${gatewayUrl}/health/customer-service/live`,
    ...(ports.web === undefined ? [] : [`http://127.0.0.1:${ports.web}/healthz`]),
  ];
  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
  const early = exited.then(({ name, code, signal }) => {
    throw new Error(`${name} exited while starting (${signal ?? code})`);
  });
  try {
    await Promise.race([
      early,
      Promise.all(
        ready.map(async (url) => {
          for (;;) {
            if (stopping) return;
            const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
              (r) => r.ok,
              () => false,
            );
            if (ok) return;
            if (Date.now() > deadline) throw new Error(`${url} not ready after ${options.startTimeoutMs ?? 90_000} ms`);
            await new Promise((r) => setTimeout(r, 250));
          }
        }),
      ),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  early.catch(() => undefined);
  const pids = Object.fromEntries(children.map(({ name, child }) => [name, child.pid]));
  return { gatewayUrl, pids, stop, exited };
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
