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

  it("routes Kong to the services' exposed ports", () => {
    for (const { name, url } of kong.services) {
      const { hostname, port } = new URL(url);
      expect(compose.services[hostname]?.expose, `kong service ${name}`).toContain(port);
    }
  });
});
