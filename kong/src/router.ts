import type { Route } from "./kong-config.js";

export type RouteMatch = { route: Route; upstreamPath: string };

type Candidate = { route: Route; matcher: Route["paths"][number] };

/**
 * Kong's router for the path and method rules kong.yml uses: regex paths first (by
 * regex_priority, then declaration order), then prefix paths, longest first. A route whose
 * methods exclude the request's is skipped, not answered.
 */
export function createRouter(routes: readonly Route[]): (method: string, path: string) => RouteMatch | undefined {
  const candidates: Candidate[] = routes.flatMap((route) => route.paths.map((matcher) => ({ route, matcher })));
  const regexes = candidates
    .filter((c) => c.matcher.kind === "regex")
    .sort((a, b) => b.route.regexPriority - a.route.regexPriority);
  const prefixes = candidates
    .filter((c) => c.matcher.kind === "prefix")
    .sort((a, b) => prefixOf(b).length - prefixOf(a).length);
  const ordered = [...regexes, ...prefixes];

  return (method, path) => {
    for (const { route, matcher } of ordered) {
      if (route.methods && !route.methods.has(method)) continue;
      let matched: string | undefined;
      if (matcher.kind === "prefix") matched = path.startsWith(matcher.prefix) ? matcher.prefix : undefined;
      else matched = matcher.regex.exec(path)?.[0];
      if (matched === undefined) continue;
      const rest = route.stripPath ? path.slice(matched.length) : path;
      return { route, upstreamPath: joinPath(route.service.url.pathname, rest) };
    }
    return undefined;
  };
}

const prefixOf = (c: Candidate) => (c.matcher.kind === "prefix" ? c.matcher.prefix : "");

/** The service's path, then what is left of the request's (Kong's `path_handling: v0`). */
function joinPath(servicePath: string, rest: string): string {
  if (rest === "") return servicePath;
  if (servicePath.endsWith("/") && rest.startsWith("/")) return servicePath + rest.slice(1);
  return servicePath + rest;
}
