import type { PluginConfigs } from "../kong-config.js";
import type { PluginHandler } from "./plugin.js";

const REGEX_CHARACTERS = /[*+?()[\]{}|\\^$]/;
/** Origins any site can present: `null` is a sandboxed frame's or a redirected request's. */
const ANYONE = ["null", "https://any-site.invalid", "http://any-site.invalid"];

/** As Kong matches a configured origin: `*`, a regex when it has regex characters, else exactly. */
const originMatcher = (origin: string): ((candidate: string) => boolean) =>
  origin === "*"
    ? () => true
    : REGEX_CHARACTERS.test(origin)
      ? (
          (regex: RegExp) => (candidate: string) =>
            regex.test(candidate)
        )(new RegExp(`^(?:${origin})$`))
      : (candidate: string) => candidate.toLowerCase() === origin.toLowerCase();

/** With credentials, an origin any site can present would let every site read a signed-in customer's answers. */
export function corsConfigProblems(config: PluginConfigs["cors"], at: string): string[] {
  if (!config.credentials) return [];
  return config.origins.flatMap((origin, i) =>
    ANYONE.some(originMatcher(origin))
      ? [`${at}/origins/${i}: "${origin}" admits any site, which credentials: true forbids (list exact origins)`]
      : [],
  );
}

/** Answers preflights itself and adds the CORS headers to every other answer, as Kong's cors plugin. */
export function createCors(config: PluginConfigs["cors"]): PluginHandler {
  const matchers = config.origins.map(originMatcher);
  const wildcard = config.origins.includes("*");

  return {
    priority: 2000,
    access(exchange) {
      const origin = exchange.request.headers.origin;
      if (typeof origin !== "string") return undefined;
      const headers: Record<string, string> = { Vary: "Origin" };
      if (matchers.some((matches) => matches(origin))) {
        // With credentials a browser refuses "*": the origin itself is echoed.
        headers["Access-Control-Allow-Origin"] = wildcard && !config.credentials ? "*" : origin;
        if (config.credentials) headers["Access-Control-Allow-Credentials"] = "true";
      }
      const preflight =
        exchange.method === "OPTIONS" && exchange.request.headers["access-control-request-method"] !== undefined;
      if (preflight) {
        const requested = exchange.request.headers["access-control-request-headers"];
        const allowHeaders = config.headers?.join(",") ?? (typeof requested === "string" ? requested : undefined);
        if (allowHeaders) headers["Access-Control-Allow-Headers"] = allowHeaders;
        headers["Access-Control-Allow-Methods"] = config.methods.join(",");
        if (config.max_age !== undefined) headers["Access-Control-Max-Age"] = String(config.max_age);
        return { status: 200, headers };
      }
      if (config.exposed_headers && headers["Access-Control-Allow-Origin"])
        headers["Access-Control-Expose-Headers"] = config.exposed_headers.join(",");
      Object.assign(exchange.responseHeaders, headers);
      return undefined;
    },
  };
}
