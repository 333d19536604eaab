import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { BlockList } from "node:net";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig as loadCustomerConfig } from "../../customer-service/src/config.js";
import { loadConfig as loadFileConfig } from "../../file-service/src/config.js";
import { loadConfig as loadNotificationConfig } from "../../notification-service/src/config.js";

// docker-compose.yml cannot run on machines without Docker, so it is kept honest here: every
// address a service is given must name a compose service and a port that service exposes, and
// every service must accept its environment.

type ComposeService = {
  build?: { context: string; dockerfile: string; args?: Record<string, string>; target?: string };
  environment?: Record<string, string | number>;
  expose?: string[];
  depends_on?: string[] | Record<string, unknown>;
  volumes?: string[];
  command?: string[];
  image?: string;
  networks?: Record<string, { ipv4_address?: string } | null>;
};
type Compose = {
  services: Record<string, ComposeService>;
  networks?: Record<string, { ipam?: { config?: { subnet?: string; ip_range?: string }[] } }>;
};

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

const isMigration = (name: string) => name.endsWith("-migrate");
const ourServices = Object.entries(compose.services).filter(
  ([name, s]) => s.build && s.build.target !== "web" && !isMigration(name),
);
const dockerfile = readFileSync(new URL("Dockerfile", root), "utf8");
const loadConfigOf = {
  "customer-service": loadCustomerConfig,
  "file-service": loadFileConfig,
  "notification-service": loadNotificationConfig,
};

/** The host side of a service's bind mount of `path`. */
const volumeAt = (service: ComposeService, path: string) =>
  service.volumes?.find((v) => v.split(":")[1] === path)?.split(":")[0];

const within = (cidr: string, address: string) => {
  const [network, bits] = cidr.split("/") as [string, string];
  const list = new BlockList();
  list.addSubnet(network, Number(bits));
  return list.check(address);
};

describe("docker-compose.yml", () => {
  it("migrates each PostgreSQL service's database once, before any of its instances starts", () => {
    for (const name of ["file-service", "notification-service"]) {
      const migration = compose.services[`${name}-migrate`]!;
      expect(migration.build?.args?.SERVICE, name).toBe(name);
      expect(migration.command, name).toEqual(["node", "--enable-source-maps", "dist/migrate.js"]);
      expect(migration.environment!.MIGRATION_DATABASE_URL, name).toBe(
        compose.services[name]!.environment!.DATABASE_URL,
      );
      expect(compose.services[name]!.depends_on, name).toMatchObject({
        [`${name}-migrate`]: { condition: "service_completed_successfully" },
      });
    }
  });

  it("builds the three services from the Dockerfile's default stage", () => {
    expect(ourServices.map(([name]) => name).sort()).toEqual([
      "customer-service",
      "file-service",
      "notification-service",
    ]);
    // The services' image is the last stage, so `docker build --build-arg SERVICE=…` needs no target.
    expect(dockerfile.split(/^FROM /m).at(-1)).toMatch(/^node:\$\{NODE_VERSION\}\n/);
    for (const [name, service] of ourServices) {
      expect(existsSync(new URL(service.build!.dockerfile, root)), `${name}'s Dockerfile`).toBe(true);
      expect(existsSync(new URL(`${service.build!.args!.SERVICE}/package.json`, root)), `${name}'s workspace`).toBe(
        true,
      );
    }
  });

  it("compiles a service's native code in the build stage, which has a C compiler, and ships what it built", () => {
    const build = dockerfile.split(/^FROM /m).find((s) => /^deps AS build\n/.test(s));
    expect(build, "a `FROM deps AS build` stage").toBeDefined();
    const natives = ourServices.filter(([name]) =>
      /native\/build\.mjs/.test(readFileSync(new URL(`${name}/package.json`, root), "utf8")),
    );
    expect(natives.map(([name]) => name)).toEqual(["file-service"]);
    // bookworm-slim has no compiler; node's headers (and OpenSSL's) come with the node image.
    expect(build).toMatch(/apt-get install[^\n]*\bgcc\b[^\n]*\blibc6-dev\b/);
    expect(build).toMatch(/npm run build -w @coffer\/contracts -w @coffer\/\$\{SERVICE\}/);
    // The runtime stage copies the whole workspace, native/build/ with it.
    expect(dockerfile.split(/^FROM /m).at(-1)).toContain("COPY --from=build /app/${SERVICE} ${SERVICE}");
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
    const { workspaces } = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as { workspaces: string[] };
    for (const workspace of workspaces) expect(dockerfile).toContain(`COPY ${workspace}/package.json ${workspace}/`);
  });

  it("serves the web app from its own image, where Kong's web service points, before Kong starts", () => {
    const web = compose.services.web!;
    expect(web.build).toMatchObject({ context: ".", dockerfile: "Dockerfile", target: "web" });
    // The target stage builds the bundle and runs the web server on it, as its own user.
    const stage = dockerfile.split(/^FROM /m).find((s) => /^\S+ AS web\n/.test(s));
    expect(stage, "a `FROM … AS web` stage").toBeDefined();
    expect(stage).toMatch(/^COPY --from=web-build \/app\/web web$/m);
    expect(stage).toMatch(/^USER node$/m);
    expect(stage).toMatch(/^CMD \["node", "web\/server\/serve\.mjs"\]$/m);
    expect(dockerfile).toMatch(/^FROM deps AS web-build\n(?:.*\n)*?RUN npm run build -w web /m);
    expect(existsSync(new URL("web/server/serve.mjs", root))).toBe(true);

    const kongWeb = kong.services.find((s) => s.name === "web");
    expect(kongWeb, "kong.yml's web service").toBeDefined();
    const { hostname, port } = new URL(kongWeb!.url);
    expect(hostname).toBe("web");
    expect(String(environmentOf("web").PORT)).toBe(port);
    expect(web.expose).toContain(port);
    expect(compose.services.kong!.depends_on).toHaveProperty("web");
    // Nothing but the listening port: the web server holds no secret and reaches no other service.
    expect(Object.keys(environmentOf("web")).sort()).toEqual(["LOG_LEVEL", "PORT"]);
  });

  it("routes Kong to the services' exposed ports", () => {
    for (const { name, url } of kong.services) {
      const { hostname, port } = new URL(url);
      expect(compose.services[hostname]?.expose, `kong service ${name}`).toContain(port);
    }
  });

  it("gives Kong the configuration rendered from the key customer-service signs with, and commits no key", () => {
    const init = compose.services["kong-config"]!;
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
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(option("--owner")).toBe("1000:1000");
    // What is committed holds placeholders only.
    const template = readFileSync(new URL("kong/kong.yml", root), "utf8");
    expect(template).not.toMatch(/BEGIN (RSA |)(PUBLIC|PRIVATE) KEY/);
    expect(template).toContain('rsa_public_key: "__COFFER_JWT_PUBLIC_KEY__"');
  });
  it("lets the services believe X-Forwarded-For from Kong's fixed address only, which no other container can be given", () => {
    const kongAddress = compose.services.kong!.networks?.default?.ipv4_address;
    const { subnet, ip_range } = compose.networks?.default?.ipam?.config?.[0] ?? {};
    expect(kongAddress && subnet && ip_range, "Kong's address, the network's subnet and its ip_range").toBeTruthy();
    expect(within(subnet!, kongAddress!)).toBe(true);
    expect(within(ip_range!, kongAddress!), "dynamic addresses come from ip_range").toBe(false);
    for (const [name, service] of Object.entries(compose.services)) {
      if (name !== "kong") expect(service.networks?.default?.ipv4_address, name).toBeUndefined();
    }
    for (const [name] of ourServices) {
      const config = loadConfigOf[name as keyof typeof loadConfigOf](environmentOf(name));
      expect(config.trustedProxies, name).toEqual([kongAddress]);
    }
  });

  it("writes Kong's access log in a format without query strings, share tokens, download tickets or the Referer", () => {
    const kongService = compose.services.kong!;
    const [target, format] = String(kongService.environment!.KONG_PROXY_ACCESS_LOG).split(/\s+/);
    expect(target).toBe("/dev/stdout");
    const included = volumeAt(kongService, String(kongService.environment!.KONG_NGINX_HTTP_INCLUDE));
    expect(included, "the included file is mounted from the repository").toMatch(/^\.\//);
    const conf = readFileSync(new URL(included!, root), "utf8");

    const definition = new RegExp(`log_format\\s+${format}\\s+((?:'[^']*'\\s*)+);`).exec(conf);
    expect(definition, `log_format ${format}`).not.toBeNull();
    const variables = [...definition![1]!.matchAll(/\$(\w+)/g)].map(([, name]) => name);
    // $request, $request_uri, $args, $arg_*, $http_referer… would each write a token.
    const safe = new Set([
      "remote_addr",
      "time_local",
      "request_method",
      "coffer_log_path",
      "server_protocol",
      "status",
      "body_bytes_sent",
      "request_time",
      "http_user_agent",
      "http_x_correlation_id",
      "kong_request_id",
    ]);
    expect(variables.filter((name) => !safe.has(name!))).toEqual([]);
    expect(variables).toContain("coffer_log_path");

    // The path is nginx's $uri (no query) with a share link's token and a download ticket masked:
    // the map, applied here as nginx does (the first matching pattern, else $uri).
    const map = /map\s+\$uri\s+\$coffer_log_path\s*\{([^}]*)\}/.exec(conf);
    expect(map, "map $uri $coffer_log_path").not.toBeNull();
    const entries = [...map![1]!.matchAll(/"~\*([^"]+)"\s+"([^"]+)";/g)].map(([, pattern, value]) => ({
      pattern: new RegExp(pattern!, "i"),
      value: value!,
    }));
    expect(map![1]).toMatch(/default\s+\$uri;/);
    const logged = (uri: string) => {
      for (const { pattern, value } of entries) {
        const match = pattern.exec(uri);
        if (match) return value.replace(/\$(\w+)/g, (_, name: string) => match.groups![name]!);
      }
      return uri;
    };
    expect(logged("/s/c2VjcmV0LXRva2Vu")).toBe("/s/[redacted]");
    expect(logged("/s/c2VjcmV0LXRva2Vu/content")).toBe("/s/[redacted]/content");
    expect(logged("/S/c2VjcmV0LXRva2Vu/unlock")).toBe("/s/[redacted]/unlock");
    expect(logged("/downloads/dGlja2V0LXNlY3JldA")).toBe("/downloads/[redacted]");
    expect(logged("/Downloads/dGlja2V0LXNlY3JldA")).toBe("/downloads/[redacted]");
    expect(logged("/files/123/content")).toBe("/files/123/content");
  });
});
