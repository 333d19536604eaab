#!/usr/bin/env node
// Serves the web app's bundle (web/dist) behind the gateway, which sends it `/` and `/app…`:
// index.html for `/`, `/app` and every `/app/…` that is not a file (the app's own routes), the
// hashed assets under /app/assets/ cached for good, anything else 404. Plain Node, no build step.
//
//   PORT (3004)  HOST (127.0.0.1)  WEB_DIST (web/dist)  LOG_LEVEL (info)
import { existsSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import fastifyStatic from "@fastify/static";
import Fastify, { LogController } from "fastify";

/** No inline script or style, no eval, no third-party origin: the bundle loads only its own files. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join("; ");

const SECURITY_HEADERS = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

/** Vite names every asset under assets/ by its content's hash: a changed file is a new URL. */
const IMMUTABLE = "public, max-age=31536000, immutable";
/** index.html (and the unhashed files beside it) is revalidated each time, so a deploy shows at once. */
const REVALIDATE = "no-cache";

const NOT_FOUND = { code: "NOT_FOUND", message: "No such page or file" };

/**
 * @param {{ dist: string, logLevel?: string }} options
 * @returns {Promise<import("fastify").FastifyInstance>} the server, not yet listening
 */
export async function buildWebServer({ dist, logLevel = "info" }) {
  const root = resolve(dist);
  if (!existsSync(join(root, "index.html")))
    throw new Error(`${join(root, "index.html")} is missing: build the web app first (npm run build -w web)`);
  const assets = join(root, "assets") + sep;

  const app = Fastify({
    logger: { level: logLevel, base: { service: "web" } },
    logController: new LogController({ disableRequestLogging: (request) => request.url === "/healthz" }),
  });

  app.addHook("onRequest", async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
  });

  await app.register(fastifyStatic, {
    root,
    prefix: "/app/",
    index: false,
    list: false,
    redirect: false,
    dotfiles: "deny",
    // The .br and .gz copies precompress.mjs writes at build time, to clients that accept them.
    preCompressed: true,
    cacheControl: false,
    setHeaders: (response, path) => {
      response.setHeader("cache-control", path.startsWith(assets) ? IMMUTABLE : REVALIDATE);
      response.setHeader("vary", "accept-encoding");
    },
  });

  const sendIndex = (_request, reply) => reply.sendFile("index.html");
  app.get("/", sendIndex);
  app.get("/app", sendIndex);
  app.get("/app/", sendIndex);
  app.get("/healthz", async () => ({ status: "ok" }));

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0];
    const isAppRoute = path.startsWith("/app/") && !/^\/app\/assets(\/|$)/.test(path);
    if (isAppRoute && (request.method === "GET" || request.method === "HEAD")) return sendIndex(request, reply);
    return reply.code(404).send(NOT_FOUND);
  });

  // A directory, a dotfile or a path that climbs out of the bundle (refused by @fastify/send) is
  // not here either; nothing says which.
  app.setErrorHandler((error, request, reply) => {
    if ((error.statusCode ?? 500) < 500) return reply.code(404).send(NOT_FOUND);
    request.log.error({ err: error }, "web server failure");
    return reply.code(500).send({ code: "INTERNAL_ERROR", message: "Something went wrong on our side" });
  });

  return app;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const app = await buildWebServer({
    dist: process.env.WEB_DIST ?? new URL("../dist", import.meta.url).pathname,
    logLevel: process.env.LOG_LEVEL,
  }).catch((error) => {
    console.error(`web: ${error.message}`);
    process.exit(1);
  });
  for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => app.close());
  await app.listen({ port: Number(process.env.PORT ?? 3004), host: process.env.HOST ?? "127.0.0.1" });
}
