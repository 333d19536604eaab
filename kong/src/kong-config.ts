import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import Type, { type Static, type TSchema } from "typebox";
import Value from "typebox/value";
import { parse } from "yaml";
import { corsConfigProblems } from "./plugins/cors.js";

/**
 * The part of Kong's declarative format the development gateway implements, checked strictly:
 * a field, entity or plugin outside it is refused at start, so kong.yml can never rely on
 * something the gateway would silently ignore. Defaults are Kong 3's.
 */

const strict = { additionalProperties: false } as const;
const Tags = Type.Optional(Type.Array(Type.String()));
const Timeout = Type.Integer({ minimum: 1, maximum: 2 ** 31 - 2 });

const PLUGIN_SCHEMAS = {
  "correlation-id": Type.Object(
    {
      header_name: Type.String({ default: "Kong-Request-ID" }),
      generator: Type.Enum(["uuid", "uuid#counter"], { default: "uuid#counter" }),
      echo_downstream: Type.Boolean({ default: false }),
    },
    strict,
  ),
  cors: Type.Object(
    {
      origins: Type.Array(Type.String(), { default: [] }),
      methods: Type.Array(Type.String(), {
        default: ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS", "TRACE", "CONNECT"],
      }),
      headers: Type.Optional(Type.Array(Type.String())),
      exposed_headers: Type.Optional(Type.Array(Type.String())),
      credentials: Type.Boolean({ default: false }),
      max_age: Type.Optional(Type.Integer({ minimum: 0 })),
      preflight_continue: Type.Literal(false, { default: false }),
    },
    strict,
  ),
  jwt: Type.Object(
    {
      key_claim_name: Type.String({ default: "iss" }),
      claims_to_verify: Type.Array(Type.Enum(["exp", "nbf"]), { default: [] }),
      uri_param_names: Type.Array(Type.String(), { default: ["jwt"] }),
      cookie_names: Type.Array(Type.String(), { default: [] }),
      header_names: Type.Array(Type.String(), { default: ["authorization"] }),
      run_on_preflight: Type.Boolean({ default: true }),
      maximum_expiration: Type.Integer({ minimum: 0, maximum: 31536000, default: 0 }),
    },
    strict,
  ),
  "rate-limiting": Type.Object(
    {
      second: Type.Optional(Type.Integer({ minimum: 1 })),
      minute: Type.Optional(Type.Integer({ minimum: 1 })),
      hour: Type.Optional(Type.Integer({ minimum: 1 })),
      day: Type.Optional(Type.Integer({ minimum: 1 })),
      policy: Type.Enum(["local", "redis"], { default: "local" }),
      fault_tolerant: Type.Boolean({ default: true }),
      redis: Type.Object(
        {
          host: Type.Optional(Type.String({ minLength: 1 })),
          port: Type.Integer({ minimum: 0, maximum: 65535, default: 6379 }),
          timeout: Type.Integer({ minimum: 0, maximum: 2 ** 31 - 2, default: 2000 }),
          username: Type.Optional(Type.String()),
          password: Type.Optional(Type.String()),
          database: Type.Integer({ minimum: 0, default: 0 }),
        },
        { ...strict, default: {} },
      ),
      // Only -1, Kong's default: every request counted in Redis as it is checked.
      sync_rate: Type.Literal(-1, { default: -1 }),
      limit_by: Type.Enum(["ip", "consumer", "credential", "service"], { default: "consumer" }),
      hide_client_headers: Type.Boolean({ default: false }),
      error_code: Type.Integer({ minimum: 400, maximum: 599, default: 429 }),
      error_message: Type.String({ default: "API rate limit exceeded" }),
    },
    strict,
  ),
  "request-size-limiting": Type.Object(
    {
      allowed_payload_size: Type.Integer({ minimum: 0, default: 128 }),
      size_unit: Type.Enum(["megabytes", "kilobytes", "bytes"], { default: "megabytes" }),
      require_content_length: Type.Boolean({ default: false }),
    },
    strict,
  ),
} satisfies Record<string, TSchema>;

export type PluginName = keyof typeof PLUGIN_SCHEMAS;
export type PluginConfigs = { [N in PluginName]: Static<(typeof PLUGIN_SCHEMAS)[N]> };
export const IMPLEMENTED_PLUGINS = Object.keys(PLUGIN_SCHEMAS) as PluginName[];

const Plugin = Type.Object(
  {
    name: Type.String(),
    config: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    enabled: Type.Optional(Type.Boolean()),
    protocols: Type.Optional(Type.Array(Type.Enum(["http", "https"]))),
    tags: Tags,
  },
  strict,
);

const Route = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    paths: Type.Array(Type.String({ pattern: "^/" }), { minItems: 1 }),
    methods: Type.Optional(Type.Array(Type.String({ pattern: "^[A-Z]+$" }), { minItems: 1 })),
    strip_path: Type.Boolean({ default: true }),
    preserve_host: Type.Boolean({ default: false }),
    regex_priority: Type.Integer({ default: 0 }),
    protocols: Type.Optional(Type.Array(Type.Enum(["http", "https"]))),
    // Kong buffers bodies unless told not to; this gateway always streams, so both are accepted.
    request_buffering: Type.Optional(Type.Boolean()),
    response_buffering: Type.Optional(Type.Boolean()),
    plugins: Type.Array(Plugin, { default: [] }),
    tags: Tags,
  },
  strict,
);

const Service = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    url: Type.String({ pattern: "^http://" }),
    connect_timeout: Type.Optional(Timeout),
    read_timeout: Type.Optional(Timeout),
    write_timeout: Type.Optional(Timeout),
    retries: Type.Optional(Type.Integer({ minimum: 0 })),
    routes: Type.Array(Route, { default: [] }),
    plugins: Type.Array(Plugin, { default: [] }),
    tags: Tags,
  },
  strict,
);

const Consumer = Type.Object(
  {
    username: Type.String({ minLength: 1 }),
    id: Type.Optional(Type.String({ format: "uuid" })),
    custom_id: Type.Optional(Type.String()),
    jwt_secrets: Type.Array(
      Type.Object(
        {
          key: Type.String({ minLength: 1 }),
          algorithm: Type.Enum(["RS256", "RS384", "RS512", "ES256", "ES384"]),
          // A PEM: the committed template's placeholder is refused, so it is never served unrendered.
          rsa_public_key: Type.String({ pattern: "^-----BEGIN PUBLIC KEY-----" }),
          secret: Type.Optional(Type.String()),
          tags: Tags,
        },
        strict,
      ),
      { default: [] },
    ),
    tags: Tags,
  },
  strict,
);

const KongUpstream = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    algorithm: Type.Literal("round-robin", { default: "round-robin" }),
    targets: Type.Array(
      Type.Object(
        {
          target: Type.String({ pattern: "^[^:\\s]+:\\d+$" }),
          weight: Type.Integer({ minimum: 0, maximum: 65535, default: 100 }),
          tags: Tags,
        },
        strict,
      ),
      { default: [] },
    ),
    tags: Tags,
  },
  strict,
);

const KongFile = Type.Object(
  {
    _format_version: Type.Enum(["1.1", "2.1", "3.0"]),
    _transform: Type.Optional(Type.Boolean()),
    services: Type.Array(Service, { default: [] }),
    upstreams: Type.Array(KongUpstream, { default: [] }),
    consumers: Type.Array(Consumer, { default: [] }),
    plugins: Type.Array(Plugin, { default: [] }),
  },
  strict,
);

type ServiceEntry = Static<typeof Service>;
type RouteEntry = Static<typeof Route>;

export type PluginInstance<N extends PluginName = PluginName> = {
  name: N;
  config: PluginConfigs[N];
  /** Where it was declared, for messages and so each declaration keeps its own counters. */
  scope: string;
  /** The ids of the service or route it is declared on (Kong's `service_id`, `route_id`): none when global. */
  attachedTo: { serviceId?: string; routeId?: string };
};

export type PathMatcher = { kind: "prefix"; prefix: string } | { kind: "regex"; regex: RegExp; source: string };

export type Target = { host: string; port: number; weight: number };

/** A Kong service: where its routes go. */
export type Upstream = {
  name: string;
  url: URL;
  /**
   * The service's host when no upstream has its name; else that upstream's targets, which share
   * one balancer (`balancer` names it) across every service pointing at it.
   */
  targets: Target[];
  balancer: string;
  /** Further targets tried when one refuses the connection (Kong's default: 5). */
  retries: number;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  writeTimeoutMs: number;
};

export type Route = {
  name: string;
  service: Upstream;
  paths: PathMatcher[];
  methods: ReadonlySet<string> | undefined;
  stripPath: boolean;
  preserveHost: boolean;
  regexPriority: number;
  /** The plugins that run on this route, most specific declaration of each name winning. */
  plugins: PluginInstance[];
};

export type JwtCredential = {
  key: string;
  algorithm: string;
  publicKeyPem: string;
  consumer: { id: string; username: string; customId: string | undefined };
};

export type GatewayConfig = {
  routes: Route[];
  /** Global plugins, which also answer requests that match no route. */
  globalPlugins: PluginInstance[];
  credentials: ReadonlyMap<string, JwtCredential>;
  upstreams: Upstream[];
};

export class KongConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file} cannot be served:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "KongConfigError";
  }
}

export function loadKongConfig(file: string): GatewayConfig {
  let document: unknown;
  try {
    document = parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new KongConfigError(file, [(error as Error).message]);
  }
  return parseKongConfig(document, file);
}

export function parseKongConfig(document: unknown, file = "kong.yml"): GatewayConfig {
  const problems = (schema: TSchema, value: unknown, at: string) =>
    Value.Errors(schema, value).map((e) => `${at}${e.instancePath}: ${e.message}`);
  const raw = Value.Default(KongFile, structuredClone(document));
  const entityProblems = problems(KongFile, raw, "");
  if (entityProblems.length > 0) throw new KongConfigError(file, entityProblems);
  const kong = raw as Static<typeof KongFile>;

  const pluginProblems: string[] = [];
  const plugins = (
    list: Static<typeof Plugin>[],
    scope: string,
    attachedTo: PluginInstance["attachedTo"],
  ): PluginInstance[] =>
    list.flatMap((plugin, i) => {
      const at = `${scope}/plugins/${i}`;
      if (!(plugin.name in PLUGIN_SCHEMAS)) {
        pluginProblems.push(
          `${at}: plugin "${plugin.name}" is not implemented by the development gateway (it implements ${IMPLEMENTED_PLUGINS.join(", ")})`,
        );
        return [];
      }
      if (plugin.enabled === false) return [];
      const name = plugin.name as PluginName;
      const config = Value.Default(PLUGIN_SCHEMAS[name], structuredClone(plugin.config ?? {}));
      const bad = problems(PLUGIN_SCHEMAS[name], config, `${at}/config`);
      if (name === "rate-limiting" && bad.length === 0) {
        const limits = config as PluginConfigs["rate-limiting"];
        if (![limits.second, limits.minute, limits.hour, limits.day].some(Boolean))
          bad.push(`${at}/config: set at least one of second, minute, hour, day`);
        if (limits.policy === "redis" && !limits.redis.host)
          bad.push(`${at}/config/redis/host: the redis policy needs the Redis server's host`);
      }
      if (name === "cors" && bad.length === 0)
        bad.push(...corsConfigProblems(config as PluginConfigs["cors"], `${at}/config`));
      pluginProblems.push(...bad);
      return [{ name, config, scope: `${scope}/plugins/${i}`, attachedTo } as PluginInstance];
    });

  const globalPlugins = plugins(kong.plugins, "", {});
  const balancers = new Map<string, Target[]>();
  kong.upstreams.forEach((entry, u) => {
    if (balancers.has(entry.name)) pluginProblems.push(`/upstreams/${u}: upstream "${entry.name}" repeated`);
    balancers.set(
      entry.name,
      entry.targets.map(({ target, weight }) => {
        const at = target.lastIndexOf(":");
        return { host: target.slice(0, at), port: Number(target.slice(at + 1)), weight };
      }),
    );
  });
  const upstreams: Upstream[] = [];
  const routes: Route[] = [];
  kong.services.forEach((service: ServiceEntry, s) => {
    const url = new URL(service.url);
    const upstream = {
      name: service.name,
      url,
      // Kong: a service whose host names an upstream is balanced over its targets (the port is theirs).
      targets: balancers.get(url.hostname) ?? [{ host: url.hostname, port: Number(url.port || 80), weight: 100 }],
      balancer: balancers.has(url.hostname) ? url.hostname : `${url.hostname}:${url.port || 80}`,
      retries: service.retries ?? 5,
      // Kong's defaults: 60 s each.
      connectTimeoutMs: service.connect_timeout ?? 60_000,
      readTimeoutMs: service.read_timeout ?? 60_000,
      writeTimeoutMs: service.write_timeout ?? 60_000,
    };
    upstreams.push(upstream);
    const servicePlugins = plugins(service.plugins, `/services/${s}`, {
      serviceId: declarativeId("services", service.name),
    });
    service.routes.forEach((route: RouteEntry, r) => {
      const routePlugins = plugins(route.plugins, `/services/${s}/routes/${r}`, {
        routeId: declarativeId("routes", route.name),
      });
      routes.push({
        name: route.name,
        service: upstream,
        paths: route.paths.map((path) => pathMatcher(path, kong._format_version)),
        methods: route.methods && new Set(route.methods),
        stripPath: route.strip_path,
        preserveHost: route.preserve_host,
        regexPriority: route.regex_priority,
        plugins: mostSpecific(routePlugins, servicePlugins, globalPlugins),
      });
    });
  });

  const credentials = new Map<string, JwtCredential>();
  kong.consumers.forEach((consumer, c) => {
    for (const secret of consumer.jwt_secrets) {
      if (credentials.has(secret.key)) pluginProblems.push(`/consumers/${c}: jwt_secrets key "${secret.key}" repeated`);
      credentials.set(secret.key, {
        key: secret.key,
        algorithm: secret.algorithm,
        publicKeyPem: secret.rsa_public_key,
        consumer: { id: consumer.id ?? consumer.username, username: consumer.username, customId: consumer.custom_id },
      });
    }
  });

  if (pluginProblems.length > 0) throw new KongConfigError(file, pluginProblems);
  return { routes, globalPlugins, credentials, upstreams };
}

/** A UUID v5 (RFC 4122) of `name` in the `namespace` UUID. */
export function uuidV5(namespace: string, name: string): string {
  const hash = createHash("sha1")
    .update(Buffer.from(namespace.replaceAll("-", ""), "hex"))
    .update(name)
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id Kong's declarative loader gives an entity declared without one: a UUID v5 of its name in
 * a namespace per entity type (kong/db/schema/others/declarative_config.lua, `generate_ids`).
 */
function declarativeId(entity: "services" | "routes", name: string): string {
  return uuidV5(uuidV5("fd02801f-0957-4a15-a55a-c8d9606f30b5", entity), name);
}

/** Kong 3 marks regex paths with `~`; files in the older formats are migrated by its heuristic. */
function pathMatcher(path: string, formatVersion: string): PathMatcher {
  const legacy = formatVersion !== "3.0";
  const isRegex = legacy ? /[^a-zA-Z0-9._~/%-]/.test(path) : path.startsWith("~");
  if (!isRegex) return { kind: "prefix", prefix: path };
  const source = legacy ? path : path.slice(1);
  // Kong anchors regex paths at the start of the path.
  return { kind: "regex", regex: new RegExp(`^(?:${source})`), source };
}

function mostSpecific(...levels: PluginInstance[][]): PluginInstance[] {
  const chosen = new Map<PluginName, PluginInstance>();
  for (const level of levels) for (const plugin of level) if (!chosen.has(plugin.name)) chosen.set(plugin.name, plugin);
  return [...chosen.values()];
}
