import type { PluginConfigs } from "../kong-config.js";
import type { Exchange, PluginHandler } from "./plugin.js";
import { kongError } from "./plugin.js";

const PERIODS = [
  ["second", 1],
  ["minute", 60],
  ["hour", 3600],
  ["day", 86400],
] as const;
type Period = (typeof PERIODS)[number][0];

const title = (period: Period) => period[0]!.toUpperCase() + period.slice(1);

/**
 * Kong's rate-limiting with the `local` policy: fixed windows aligned to the clock, counted in
 * this process; the same headers and the same choice of which window to report.
 */
export function createRateLimiting(config: PluginConfigs["rate-limiting"]): PluginHandler {
  const limits = PERIODS.flatMap(([period, seconds]) => {
    const limit = config[period];
    return limit ? [{ period, seconds, limit }] : [];
  });
  const counters = new Map<string, number>();
  let lastSweep = 0;

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

  return {
    priority: 910,
    access(exchange) {
      const nowMs = Date.now();
      const now = Math.floor(nowMs / 1000);
      if (now - lastSweep >= 60) {
        lastSweep = now;
        sweep(counters, now);
      }
      const who = identifier(exchange);
      const usage = limits.map(({ period, seconds, limit }) => {
        const windowStart = now - (now % seconds);
        const key = `${who}|${period}|${windowStart}|${windowStart + seconds}`;
        return { period, seconds, limit, key, remaining: limit - (counters.get(key) ?? 0), windowStart };
      });
      const stop = usage.find((u) => u.remaining <= 0);

      const headers: Record<string, string> = {};
      let reported: { limit: number; remaining: number; seconds: number; reset: number } | undefined;
      for (const u of usage) {
        const remaining = Math.max(0, stop === undefined || stop === u ? u.remaining - 1 : u.remaining);
        if (
          !reported ||
          remaining < reported.remaining ||
          (remaining === reported.remaining && u.seconds > reported.seconds)
        ) {
          const reset = Math.max(1, u.seconds - Math.floor((nowMs - u.windowStart * 1000) / 1000));
          reported = { limit: u.limit, remaining, seconds: u.seconds, reset };
        }
        headers[`X-RateLimit-Limit-${title(u.period)}`] = String(u.limit);
        headers[`X-RateLimit-Remaining-${title(u.period)}`] = String(remaining);
      }
      headers["RateLimit-Limit"] = String(reported!.limit);
      headers["RateLimit-Remaining"] = String(reported!.remaining);
      headers["RateLimit-Reset"] = String(reported!.reset);

      if (stop) {
        const exitHeaders = config.hide_client_headers ? {} : headers;
        return kongError(config.error_code, config.error_message, {
          ...exitHeaders,
          "Retry-After": String(reported!.reset),
        });
      }
      for (const u of usage) counters.set(u.key, (counters.get(u.key) ?? 0) + 1);
      if (!config.hide_client_headers) Object.assign(exchange.responseHeaders, headers);
      return undefined;
    },
  };
}

/** Forgets windows that have ended, so counters do not grow without bound. */
function sweep(counters: Map<string, number>, now: number): void {
  for (const key of counters.keys()) if (Number(key.slice(key.lastIndexOf("|") + 1)) <= now) counters.delete(key);
}
