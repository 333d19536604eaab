import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { PluginConfigs, PluginInstance } from "../kong-config.js";
import type { Exchange, PluginHandler } from "./plugin.js";
import { kongError } from "./plugin.js";

const PERIODS = [
  ["second", 1],
  ["minute", 60],
  ["hour", 3600],
  ["day", 86400],
] as const;
type Period = (typeof PERIODS)[number][0];
type Limit = { period: Period; seconds: number; limit: number };

export type RedisSettings = PluginConfigs["rate-limiting"]["redis"];

export type RateLimitingDeps = {
  /** The connection to a Redis server, shared by every plugin that names the same one. */
  redisFor: (settings: RedisSettings) => Redis;
  logger: Logger;
};

const EMPTY_UUID = "00000000-0000-0000-0000-000000000000";

// Kong's redis policy (sync_rate -1): each check counts the request in the same step, so
// concurrent requests on any number of gateways each see a count of their own.
const USAGE_SCRIPT = `
local cache_key, expiration = KEYS[1], ARGV[1]
local result_incr = redis.call("incr", cache_key)
if result_incr == 1 then
  redis.call("expire", cache_key, expiration)
end
return result_incr - 1
`;

/** How many requests a window counted before this one; `increment` counts one that went through. */
type Policy = {
  usage(key: string, limit: Limit, now: number): Promise<number> | number;
  increment(keys: readonly { key: string; limit: Limit }[], now: number): void;
};

const title = (period: Period) => period[0]!.toUpperCase() + period.slice(1);

/**
 * Kong 3's rate-limiting: fixed windows aligned to the clock, counted per plugin, identifier and
 * window under Kong's keys (`ratelimit:<route>:<service>:<identifier>:<window start ms>:<period>`,
 * names standing for ids), in this process (`local`) or in Redis (`redis`, shared by every
 * gateway); the same headers, the same choice of which window to report, and the same
 * `fault_tolerant` rule: when Redis cannot answer, the request goes through unlimited.
 */
export function createRateLimiting(plugin: PluginInstance<"rate-limiting">, deps: RateLimitingDeps): PluginHandler {
  const { config } = plugin;
  const limits: Limit[] = PERIODS.flatMap(([period, seconds]) => {
    const limit = config[period];
    return limit ? [{ period, seconds, limit }] : [];
  });
  const routeId = plugin.attachedTo.route ?? EMPTY_UUID;
  const serviceId = plugin.attachedTo.service ?? EMPTY_UUID;
  const policy = config.policy === "redis" ? redisPolicy(deps.redisFor(config.redis)) : localPolicy();

  function identifier(exchange: Exchange): string {
    switch (config.limit_by) {
      case "consumer":
        return exchange.credential?.consumer.id ?? exchange.clientIp;
      case "credential":
        return exchange.credential?.key ?? exchange.clientIp;
      case "service":
        return exchange.route?.service.name ?? "";
      default:
        return exchange.clientIp;
    }
  }

  async function usageOf(keys: { key: string; limit: Limit }[], now: number) {
    try {
      return await Promise.all(
        keys.map(async ({ key, limit }) => ({
          ...limit,
          remaining: limit.limit - (await policy.usage(key, limit, now)),
        })),
      );
    } catch (error) {
      if (!config.fault_tolerant) throw error;
      deps.logger.error({ err: error, plugin: plugin.scope }, "rate-limiting: failed to get usage");
      return undefined;
    }
  }

  return {
    priority: 910,
    async access(exchange) {
      const nowMs = Math.floor(Date.now() / 1000) * 1000;
      const who = identifier(exchange);
      const keys = limits.map((limit) => {
        const windowStartMs = nowMs - (nowMs % (limit.seconds * 1000));
        return {
          key: `ratelimit:${routeId}:${serviceId}:${who}:${windowStartMs}:${limit.period}`,
          limit,
          windowStartMs,
        };
      });
      const usage = await usageOf(keys, nowMs);
      if (usage) {
        const stop = usage.find((u) => u.remaining <= 0);
        const headers: Record<string, string> = {};
        let reported: { limit: number; remaining: number; seconds: number; reset: number } | undefined;
        usage.forEach((u, i) => {
          const remaining = Math.max(0, stop === undefined || stop === u ? u.remaining - 1 : u.remaining);
          if (
            !reported ||
            remaining < reported.remaining ||
            (remaining === reported.remaining && u.seconds > reported.seconds)
          ) {
            const reset = Math.max(1, u.seconds - Math.floor((nowMs - keys[i]!.windowStartMs) / 1000));
            reported = { limit: u.limit, remaining, seconds: u.seconds, reset };
          }
          headers[`X-RateLimit-Limit-${title(u.period)}`] = String(u.limit);
          headers[`X-RateLimit-Remaining-${title(u.period)}`] = String(remaining);
        });
        headers["RateLimit-Limit"] = String(reported!.limit);
        headers["RateLimit-Remaining"] = String(reported!.remaining);
        headers["RateLimit-Reset"] = String(reported!.reset);

        if (stop) {
          return kongError(
            config.error_code,
            config.error_message,
            config.hide_client_headers ? {} : { ...headers, "Retry-After": String(reported!.reset) },
          );
        }
        if (!config.hide_client_headers) Object.assign(exchange.responseHeaders, headers);
      }
      policy.increment(keys, nowMs);
      return undefined;
    },
  };
}

/** Counts in this process: each gateway has its own. */
function localPolicy(): Policy {
  const counters = new Map<string, { count: number; untilMs: number }>();
  let lastSweepMs = 0;
  return {
    usage: (key) => counters.get(key)?.count ?? 0,
    increment(keys, nowMs) {
      if (nowMs - lastSweepMs >= 60_000) {
        lastSweepMs = nowMs;
        for (const [key, counter] of counters) if (counter.untilMs <= nowMs) counters.delete(key);
      }
      for (const { key, limit } of keys) {
        const counter = counters.get(key);
        if (counter) counter.count += 1;
        else counters.set(key, { count: 1, untilMs: nowMs + limit.seconds * 1000 });
      }
    },
  };
}

/** Counts in Redis, as the request is checked (so `increment` has nothing left to do). */
function redisPolicy(redis: Redis): Policy {
  return {
    usage: async (key, limit) => Number(await redis.eval(USAGE_SCRIPT, 1, key, limit.seconds)),
    increment: () => {},
  };
}
