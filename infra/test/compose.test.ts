import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig as loadCustomerConfig } from "../../customer-service/src/config.js";
import { loadConfig as loadFileConfig } from "../../file-service/src/config.js";
import { loadConfig as loadNotificationConfig } from "../../notification-service/src/config.js";

// docker-compose.yml cannot run on machines without Docker, so it is kept honest here: every
// address a service is given must name a compose service and a port that service exposes, and
// every service must accept its environment.

type ComposeService = {
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  environment?: Record<string, string | number>;
  expose?: string[];
  depends_on?: string[] | Record<string, unknown>;
  volumes?: string[];
  command?: string[];
  image?: string;
};
type Compose = { services: Record<string, ComposeService> };

const root = new URL("../../", import.meta.url);
const compose = parse(readFileSync(new URL("docker-compose.yml", root), "utf8"), { merge: true }) as Compose;
const kong = parse(readFileSync(new URL("kong/kong.yml", root), "utf8")) as {
  services: { name: string; url: string }[];
};

/** What `make up` writes into .env (a key id and 32 random bytes); every `${VAR:?…}` must be one of these. */
const dotEnv: Record<string, string> = Object.fromEntries(
  [...readFileSync(new URL("Makefile", root), "utf8").matchAll(/echo "(COFFER_\w+)=k1:/g)].map(([, name]) => [
    name!,
    `k1:${randomBytes(32).toString("base64")}`,
  ]),
);

/** Compose's interpolation: `${VAR:-default}` without the variable, `${VAR:?error}` from .env. */
function interpolate(value: string | number): string {
  return String(value)
    .replace(/\$\{(\w+):-([^}]*)\}/g, "$2")
    .replace(/\$\{(\w+):\?[^}]*\}/g, (_, name: string) => {
      if (!(name in dotEnv)) throw new Error(`${name} is required by docker-compose.yml but make up does not set it`);
      return dotEnv[name]!;
    });
}

function environmentOf(name: string): Record<string, string> {
  const env = compose.services[name]?.environment ?? {};
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, interpolate(value)]));
}

/** host:port pairs in an env value: URLs (with or without credentials) and broker lists. */
function addressesIn(value: string): { host: string; port: string }[] {
  const hosts = value.includes("://") ? [new URL(value).host] : value.split(",");
  return hosts.filter((h) => /^[\w.-]+:\d+$/.test(h)).map((h) => ({ host: h.split(":")[0]!, port: h.split(":")[1]! }));
}

const ourServices = Object.entries(compose.services).filter(([, s]) => s.build);

describe("docker-compose.yml", () => {
  it("builds the three services from the Dockerfile", () => {
    expect(ourServices.map(([name]) => name).sort()).toEqual([
      "customer-service",
      "file-service",
      "notification-service",
    ]);
    for (const [name, service] of ourServices) {
      expect(existsSync(new URL(service.build!.dockerfile, root)), `${name}'s Dockerfile`).toBe(true);
      expect(existsSync(new URL(`${service.build!.args!.SERVICE}/package.json`, root)), `${name}'s workspace`).toBe(
        true,
      );
    }
  });

  it("gives every service addresses of compose services on ports they expose", () => {
    const wrong: string[] = [];
    for (const [name] of ourServices) {
      for (const [key, value] of Object.entries(environmentOf(name))) {
        if (key.startsWith("PUBLIC_")) continue; // what browsers see, not an address between containers
        for (const { host, port } of addressesIn(value)) {
          const target = compose.services[host];
          if (!target) wrong.push(`${name} ${key}: no service ${host}`);
          else if (!target.expose?.includes(port)) wrong.push(`${name} ${key}: ${host} does not expose ${port}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    // The check above must have seen every kind of address.
    expect(addressesIn(environmentOf("file-service").DATABASE_URL!)).toEqual([{ host: "postgres", port: "5432" }]);
  });

  it("gives every service an environment its configuration accepts", () => {
    expect(() => loadCustomerConfig(environmentOf("customer-service"))).not.toThrow();
    expect(() => loadFileConfig(environmentOf("file-service"))).not.toThrow();
    expect(() => loadNotificationConfig(environmentOf("notification-service"))).not.toThrow();
  });

  it("depends only on services that exist and mounts only files that exist", () => {
    for (const [name, service] of Object.entries(compose.services)) {
      const deps = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
      for (const dep of deps) expect(compose.services, `${name} depends on ${dep}`).toHaveProperty(dep);
      for (const volume of service.volumes ?? []) {
        const source = volume.split(":")[0]!;
        if (source.startsWith("./")) expect(existsSync(new URL(source, root)), `${name} mounts ${source}`).toBe(true);
      }
    }
  });

  it("builds images with every workspace's package.json, so npm ci sees the lock file's whole tree", () => {
    const dockerfile = readFileSync(new URL("Dockerfile", root), "utf8");
    const { workspaces } = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as { workspaces: string[] };
    for (const workspace of workspaces) expect(dockerfile).toContain(`COPY ${workspace}/package.json ${workspace}/`);
  });

  it("routes Kong to the services' exposed ports", () => {
    for (const { name, url } of kong.services) {
      const { hostname, port } = new URL(url);
      expect(compose.services[hostname]?.expose, `kong service ${name}`).toContain(port);
    }
  });

  it("gives Kong the configuration rendered from the key customer-service signs with, and commits no key", () => {
    const init = compose.services["kong-config"]!;
    const volumeAt = (service: ComposeService, path: string) =>
      service.volumes?.find((v) => v.split(":")[1] === path)?.split(":")[0];
    const option = (name: string) => init.command![init.command!.indexOf(name) + 1]!;

    // The init container writes where Kong reads, from the key directory customer-service reads.
    const renderedVolume = volumeAt(init, option("--out").replace(/\/[^/]+$/, ""));
    const kongService = compose.services.kong!;
    expect(
      volumeAt(kongService, String(kongService.environment!.KONG_DECLARATIVE_CONFIG).replace(/\/[^/]+$/, "")),
    ).toBe(renderedVolume);
    const customer = compose.services["customer-service"]!;
    expect(volumeAt(customer, String(customer.environment!.JWT_KEYS_DIR))).toBe(volumeAt(init, option("--keys-dir")));
    expect(customer.environment!.JWT_GENERATE_KEY).toBe("false");
    for (const dependent of [customer, kongService])
      expect(dependent.depends_on).toMatchObject({ "kong-config": { condition: "service_completed_successfully" } });
    // The services' image runs as `node` (1000): the key it must read is handed to that user.
    expect(readFileSync(new URL("Dockerfile", root), "utf8")).toMatch(/^USER node$/m);
    expect(option("--owner")).toBe("1000:1000");
    // What is committed holds placeholders only.
    const template = readFileSync(new URL("kong/kong.yml", root), "utf8");
    expect(template).not.toMatch(/BEGIN (RSA |)(PUBLIC|PRIVATE) KEY/);
    expect(template).toContain('"__COFFER_JWT_PUBLIC_KEY__"');
  });
});
