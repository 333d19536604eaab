import { loggableUrl } from "@coffer/contracts/http";
import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Redis } from "ioredis";
import type { CryptoKey } from "jose";
import type { Logger } from "pino";
import { createRoundRobin } from "./balancer.js";
import type { GatewayConfig, PluginInstance, Target } from "./kong-config.js";
import { createCorrelationId } from "./plugins/correlation-id.js";
import { createCors } from "./plugins/cors.js";
import { createJwt } from "./plugins/jwt.js";
import type { Exchange, Exit, PluginHandler } from "./plugins/plugin.js";
import { kongError } from "./plugins/plugin.js";
import { createRateLimiting, type RateLimitingDeps, type RedisSettings } from "./plugins/rate-limiting.js";
import { createRequestSizeLimiting } from "./plugins/request-size-limiting.js";
import { proxy, type Address } from "./proxy.js";
import { escapePath, parseRequestTarget } from "./request-target.js";
import { createRouter } from "./router.js";

export type GatewayOptions = {
  config: GatewayConfig;
  jwtKeys: ReadonlyMap<string, CryptoKey>;
  logger: Logger;
  resolve: (target: Target) => Address;
  listenPort: number;
  /** Extra pages the gateway serves itself (the API documentation), tried before the routes. */
  pages?: (request: IncomingMessage, response: ServerResponse, path: string) => Promise<boolean>;
};

/** The development gateway: kong.yml's routes and plugins in front of the services. Not yet listening. */
export function createGateway(options: GatewayOptions): Server {
  const { config, logger } = options;
  const route = createRouter(config.routes);
  const redisConnections = createRedisConnections(logger);
  const rateLimiting: RateLimitingDeps = { redisFor: redisConnections.of, logger };
  const handlers = new Map<string, PluginHandler>();
  const handlerOf = (plugin: PluginInstance): PluginHandler => {
    let handler = handlers.get(plugin.scope);
    if (!handler) {
      handler = createPlugin(plugin, config, options.jwtKeys, rateLimiting);
      handlers.set(plugin.scope, handler);
    }
    return handler;
  };
  const byPriority = (plugins: PluginInstance[]) => plugins.map(handlerOf).sort((a, b) => b.priority - a.priority);
  const routePlugins = new Map(config.routes.map((r) => [r, byPriority(r.plugins)]));
  // A request that matches no route still gets its correlation id, as Kong's global plugin gives it.
  const unroutedPlugins = byPriority(config.globalPlugins.filter((p) => p.name === "correlation-id"));
  // One balancer per Kong upstream, shared by the services that point at it.
  const balancers = new Map<string, () => Target | undefined>();
  for (const { balancer, targets } of config.upstreams)
    if (!balancers.has(balancer)) balancers.set(balancer, createRoundRobin(targets));
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity, scheduling: "lifo" });

  async function handle(request: IncomingMessage, response: ServerResponse, exchange: Exchange): Promise<number> {
    if (options.pages && (await options.pages(request, response, exchange.path))) return response.statusCode;
    const match = route(exchange.method, exchange.path);
    exchange.route = match?.route;
    for (const plugin of match ? routePlugins.get(match.route)! : unroutedPlugins) {
      const exit = await plugin.access(exchange);
      if (exit) return send(response, exchange, exit);
    }
    if (!match) return send(response, exchange, kongError(404, "no Route matched with those values"));
    const { status } = await proxy(exchange, response, match.route.service, match.upstreamPath, {
      agent,
      resolve: options.resolve,
      pick: balancers.get(match.route.service.balancer)!,
      listenPort: options.listenPort,
      send,
    });
    return status;
  }

  const server = createServer((request, response) => {
    const started = performance.now();
    const target = parseRequestTarget(request.url ?? "/");
    const exchange: Exchange = {
      request,
      method: request.method ?? "GET",
      path: target?.path ?? "/",
      query: new URLSearchParams(target?.query),
      search: target?.query === undefined ? "" : `?${target.query}`,
      clientIp: (request.socket.remoteAddress ?? "").replace(/^::ffff:/, ""),
      route: undefined,
      upstreamHeaders: { ...request.headers },
      responseHeaders: {},
      credential: undefined,
      bodyLimitBytes: undefined,
      correlationId: undefined,
    };
    const handled = target
      ? handle(request, response, exchange)
      : Promise.resolve(send(response, exchange, kongError(400, "Bad request")));
    handled
      .catch((error: unknown) => {
        logger.error({ err: error, correlationId: exchange.correlationId }, "gateway failure");
        if (!response.headersSent) return send(response, exchange, kongError(500, "An unexpected error occurred"));
        response.destroy();
        return 500;
      })
      .then((status) => {
        logger.info(
          {
            correlationId: exchange.correlationId,
            method: exchange.method,
            // A share link's token never reaches a log, however its path was spelled; nor does a query.
            path: target && loggableUrl(escapePath(exchange.path)),
            route: exchange.route?.name,
            status,
            ms: Math.round(performance.now() - started),
          },
          "request",
        );
      });
  });
  server.on("close", () => {
    agent.destroy();
    redisConnections.close();
  });
  return server;
}

function send(response: ServerResponse, exchange: Exchange, exit: Exit): number {
  const body = exit.body === undefined ? "" : JSON.stringify(exit.body);
  response.writeHead(exit.status, {
    ...exchange.responseHeaders,
    ...exit.headers,
    ...(body && { "Content-Type": "application/json; charset=utf-8" }),
    "Content-Length": Buffer.byteLength(body),
    Via: "1.1 coffer-dev-gateway",
  });
  response.end(body);
  return exit.status;
}

function createPlugin(
  plugin: PluginInstance,
  config: GatewayConfig,
  jwtKeys: ReadonlyMap<string, CryptoKey>,
  rateLimiting: RateLimitingDeps,
): PluginHandler {
  switch (plugin.name) {
    case "correlation-id":
      return createCorrelationId((plugin as PluginInstance<"correlation-id">).config);
    case "cors":
      return createCors((plugin as PluginInstance<"cors">).config);
    case "jwt":
      return createJwt((plugin as PluginInstance<"jwt">).config, config.credentials, jwtKeys);
    case "rate-limiting":
      return createRateLimiting(plugin as PluginInstance<"rate-limiting">, rateLimiting);
    case "request-size-limiting":
      return createRequestSizeLimiting((plugin as PluginInstance<"request-size-limiting">).config);
  }
}

/**
 * One connection per Redis server the plugins name, as Kong pools them by host, port and
 * database. A command waits at most the plugin's `timeout` (Kong's connect/read timeout), and
 * none waits for a reconnection, so an unreachable Redis fails each check fast.
 */
function createRedisConnections(logger: Logger) {
  const connections = new Map<string, Redis>();
  return {
    of(settings: RedisSettings): Redis {
      const id = JSON.stringify([settings.host, settings.port, settings.database, settings.username]);
      let redis = connections.get(id);
      if (!redis) {
        redis = new Redis({
          host: settings.host,
          port: settings.port,
          db: settings.database,
          username: settings.username,
          password: settings.password,
          connectTimeout: settings.timeout,
          commandTimeout: settings.timeout,
          maxRetriesPerRequest: 0,
        });
        redis.on("error", (err: Error) => logger.warn({ err, redis: `${settings.host}:${settings.port}` }, "redis"));
        connections.set(id, redis);
      }
      return redis;
    },
    close(): void {
      for (const redis of connections.values()) redis.disconnect();
    },
  };
}
