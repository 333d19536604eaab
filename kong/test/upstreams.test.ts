import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway } from "../src/gateway.js";
import type { KongConfigError } from "../src/kong-config.js";
import { loadKongConfig, parseKongConfig } from "../src/kong-config.js";

/**
 * kong.yml's `upstreams` and `targets`: a service whose host names an upstream is balanced over
 * its targets round-robin, by weight, and a target that refuses the connection is passed over
 * (Kong's `retries`). Each target is a real server that answers with its own name.
 */

const root = new URL("../../", import.meta.url).pathname;

type Instance = { name: string; server: Server; port: number; bodies: string[] };
const instances: Instance[] = [];

async function startInstance(name: string): Promise<Instance> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      bodies.push(body);
      res.end(JSON.stringify({ name, host: req.headers.host }));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const instance = { name, server, port: (server.address() as AddressInfo).port, bodies };
  instances.push(instance);
  return instance;
}

/** A port nothing listens on: a killed instance. */
async function closedPort(): Promise<number> {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function gatewayFor(kong: unknown, hosts: Record<string, number>): Promise<string> {
  const gateway = createGateway({
    config: parseKongConfig(kong),
    jwtKeys: new Map(),
    logger: pino({ level: "silent" }),
    resolve: (target) => ({ host: "127.0.0.1", port: hosts[target.host] ?? 9 }),
    listenPort: 0,
  });
  gateway.listen(0, "127.0.0.1");
  await once(gateway, "listening");
  instances.push({ name: "gateway", server: gateway, port: 0, bodies: [] });
  return `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
}

const balanced = (targets: { target: string; weight?: number }[], retries?: number) => ({
  _format_version: "1.1",
  services: [
    {
      name: "api",
      url: "http://api-service:3001",
      connect_timeout: 1000,
      ...(retries !== undefined && { retries }),
      routes: [{ name: "api", paths: ["/"], strip_path: false }],
    },
    { name: "api-health", url: "http://api-service:3001/health", routes: [{ name: "health", paths: ["/health"] }] },
  ],
  upstreams: [{ name: "api-service", targets }],
});

const answeredBy = async (base: string, path = "/", init?: RequestInit) => {
  const response = await fetch(`${base}${path}`, init);
  return response.ok ? ((await response.json()) as { name: string; host: string }).name : response.status;
};

let a: Instance;
let b: Instance;
beforeAll(async () => {
  a = await startInstance("a");
  b = await startInstance("b");
});

afterAll(() => {
  for (const { server } of instances) {
    server.closeAllConnections();
    server.close();
  }
});

describe("the development gateway's upstreams", () => {
  it("when a service's host names an upstream of two targets, then requests alternate between them, across every service on that upstream", async () => {
    const base = await gatewayFor(balanced([{ target: "api-1:3001" }, { target: "api-2:3001" }]), {
      "api-1": a.port,
      "api-2": b.port,
    });
    const names = [];
    for (let i = 0; i < 6; i++) names.push(await answeredBy(base, i % 2 ? "/health" : "/files"));
    expect(names).toEqual(["a", "b", "a", "b", "a", "b"]);
    const response = await fetch(`${base}/files`);
    expect(await response.json()).toEqual({ name: "a", host: "api-1:3001" });
  });

  it("when targets have weights, then each gets its share, evenly spread; a weight of 0 gets nothing", async () => {
    const c = await startInstance("c");
    const base = await gatewayFor(
      balanced([
        { target: "api-1:3001", weight: 200 },
        { target: "api-2:3001", weight: 100 },
        { target: "api-3:3001", weight: 0 },
      ]),
      { "api-1": a.port, "api-2": b.port, "api-3": c.port },
    );
    const names = [];
    for (let i = 0; i < 6; i++) names.push(await answeredBy(base));
    expect(names).toEqual(["a", "b", "a", "a", "b", "a"]);
    expect(c.bodies).toEqual([]);
  });

  it("when a target refuses connections, then its requests go to the next one with their bodies whole; with no retries left, 502", async () => {
    const dead = await closedPort();
    const hosts = { "api-1": a.port, "api-2": dead };
    const base = await gatewayFor(balanced([{ target: "api-1:3001" }, { target: "api-2:3001" }]), hosts);
    const before = a.bodies.length;
    for (let i = 0; i < 4; i++) {
      expect(await answeredBy(base, "/upload", { method: "POST", body: `body ${i}` })).toBe("a");
    }
    expect(a.bodies.slice(before)).toEqual(["body 0", "body 1", "body 2", "body 3"]);

    const noRetries = await gatewayFor(balanced([{ target: "api-2:3001" }, { target: "api-1:3001" }], 0), hosts);
    const refused = await fetch(`${noRetries}/`);
    expect(refused.status).toBe(502);
    expect(await refused.json()).toEqual({ message: "An invalid response was received from the upstream server" });
  });

  it("when an upstream has no target with a weight, then 503 as Kong answers it", async () => {
    const base = await gatewayFor(balanced([{ target: "api-1:3001", weight: 0 }]), { "api-1": a.port });
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ message: "failure to get a peer from the ring-balancer" });
  });

  it("when an upstream uses a field or algorithm it does not implement, or is declared twice, then the gateway refuses to start", () => {
    const kong = balanced([{ target: "api-1:3001" }]);
    const problems = (document: unknown) => {
      try {
        parseKongConfig(document);
        return [];
      } catch (error) {
        return (error as KongConfigError).problems;
      }
    };
    expect(problems({ ...kong, upstreams: [{ name: "api-service", algorithm: "least-connections" }] })).not.toEqual([]);
    expect(problems({ ...kong, upstreams: [{ name: "api-service", healthchecks: {} }] })).not.toEqual([]);
    expect(problems({ ...kong, upstreams: [{ name: "api-service", targets: [{ target: "no-port" }] }] })).not.toEqual(
      [],
    );
    expect(problems({ ...kong, upstreams: [...kong.upstreams, ...kong.upstreams] })).toEqual([
      '/upstreams/1: upstream "api-service" repeated',
    ]);
  });

  it("when kong.yml is rendered for two instances, then every service is balanced over two targets, and decK still validates it", () => {
    const dir = mkdtempSync(join(tmpdir(), "kong-upstreams-"));
    const out = join(dir, "kong.yml");
    const rendered = spawnSync(
      process.execPath,
      [join(root, "kong/render-config.mjs"), "--keys-dir", join(dir, "keys"), "--out", out, "--instances", "2"],
      { encoding: "utf8" },
    );
    expect(rendered.status, rendered.stderr).toBe(0);
    const config = loadKongConfig(out);
    const targetsOf = new Map(
      config.upstreams.map((u) => [u.url.hostname, u.targets.map((t) => `${t.host}:${t.port}`)]),
    );
    expect(Object.fromEntries(targetsOf)).toEqual({
      "customer-service": ["customer-service-1:3001", "customer-service-2:3001"],
      "file-service": ["file-service-1:3002", "file-service-2:3002"],
      "notification-service": ["notification-service-1:3003", "notification-service-2:3003"],
      web: ["web-1:3004", "web-2:3004"],
    });
    const deck = spawnSync("deck", ["validate", "-s", out], { encoding: "utf8" });
    expect(deck.status, deck.stderr).toBe(0);
  });
});
