import { createReadStream } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Target, Upstream } from "./kong-config.js";
import type { Address } from "./proxy.js";

const ASSETS = new Map([
  ["swagger-ui.css", "text/css; charset=utf-8"],
  ["swagger-ui-bundle.js", "text/javascript; charset=utf-8"],
  ["swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8"],
  ["favicon-32x32.png", "image/png"],
]);

/**
 * `/docs`: every service's OpenAPI document (its `GET /openapi.json`) in one Swagger UI, and each
 * document at `/docs/<service>.json`. Fetched when asked, so it always shows what is running.
 */
export function createDocsPages(
  upstreams: readonly Upstream[],
  resolve: (target: Target) => Address,
): (request: IncomingMessage, response: ServerResponse, path: string) => Promise<boolean> {
  const assetsDir = (
    createRequire(import.meta.url)("swagger-ui-dist") as { getAbsoluteFSPath(): string }
  ).getAbsoluteFSPath();
  // One document per service process (several Kong services may point at one).
  const sources = new Map<string, Upstream>();
  for (const upstream of upstreams)
    if (!sources.has(upstream.url.hostname)) sources.set(upstream.url.hostname, upstream);
  const names = [...sources.keys()];

  return async (request, response, path) => {
    if (path !== "/docs" && !path.startsWith("/docs/")) return false;
    if (request.method !== "GET" && request.method !== "HEAD") return false;
    const rest = path.slice("/docs".length).replace(/^\//, "");

    if (rest === "") {
      const urls = names.map((name) => ({ name, url: `/docs/${name}.json` }));
      respond(response, 200, "text/html; charset=utf-8", page(urls));
      return true;
    }
    const asset = ASSETS.get(rest.replace(/^assets\//, ""));
    if (rest.startsWith("assets/") && asset) {
      response.writeHead(200, { "Content-Type": asset, "Cache-Control": "public, max-age=3600" });
      createReadStream(join(assetsDir, rest.slice("assets/".length))).pipe(response);
      return true;
    }
    const source = rest.endsWith(".json") ? sources.get(rest.slice(0, -".json".length)) : undefined;
    if (!source) {
      respond(response, 404, "application/json", JSON.stringify({ message: `no API document at ${path}` }));
      return true;
    }
    const target = source.targets.find((t) => t.weight > 0);
    try {
      if (!target) throw new Error("its upstream has no target");
      const { host, port } = resolve(target);
      const upstream = await fetch(`http://${host}:${port}/openapi.json`, { signal: AbortSignal.timeout(5000) });
      if (!upstream.ok) throw new Error(`status ${upstream.status}`);
      respond(response, 200, "application/json; charset=utf-8", await upstream.text());
    } catch (error) {
      respond(
        response,
        502,
        "application/json",
        JSON.stringify({
          message: `${source.url.hostname} did not serve its API document: ${(error as Error).message}`,
        }),
      );
    }
    return true;
  };
}

function respond(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body) });
  response.end(body);
}

const page = (urls: { name: string; url: string }[]) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Coffer API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      urls: ${JSON.stringify(urls)},
      dom_id: "#swagger-ui",
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout",
    });
  </script>
</body>
</html>
`;
