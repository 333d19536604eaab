import type { Redis } from "ioredis";
import { inRedis } from "../redis.js";

/** When a key's counted attempts lock it: from `maxFailures` on, for `firstLockMs`, doubling up to `maxLockMs`. */
export type LockRule = { maxFailures: number; firstLockMs: number; maxLockMs: number };

// One step decides and takes, so no other request (on any instance) can come between the count
// and the attempt that follows it. Redis's clock, one for every instance.
// KEYS: the keys; ARGV: the attempt's id, the window (ms), then per key its LockRule.
const TAKE = `
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
local wait = 0
for i, key in ipairs(KEYS) do
  redis.call("ZREMRANGEBYSCORE", key, "-inf", now - window)
  local over = redis.call("ZCARD", key) - tonumber(ARGV[3 * i])
  if over >= 0 then
    local latest = tonumber(redis.call("ZRANGE", key, -1, -1, "WITHSCORES")[2])
    local lock = math.min(tonumber(ARGV[3 * i + 2]), tonumber(ARGV[3 * i + 1]) * 2 ^ over)
    wait = math.max(wait, latest + lock - now)
  end
end
if wait > 0 then return math.ceil(wait) end
for _, key in ipairs(KEYS) do
  redis.call("ZADD", key, now, ARGV[1])
  redis.call("PEXPIRE", key, window)
end
return -redis.call("ZCARD", KEYS[1])
`;

// KEYS[1]: the key whose attempts up to this one are forgiven with it; KEYS[2]: the key that
// only stops counting this one. ARGV[1]: the attempt's id.
const SUCCEED = `
local at = redis.call("ZSCORE", KEYS[1], ARGV[1])
if at then redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", at) end
redis.call("ZREM", KEYS[2], ARGV[1])
return 0
`;

/**
 * The attempts each key (an account's address, a client's) has had in the window, in Redis: a
 * sorted set of attempt ids by the time they were taken, gone when its newest leaves the window.
 * Keys are the deployment's (`namespace`), shared by its instances.
 */
export function createLoginThrottleRepository(redis: Redis, namespace: string) {
  const redisKey = (key: string) => `${namespace}login-throttle:${key}`;
  return {
    /**
     * Takes attempt `id` on every key, or on none: when taken, minus the attempts the first key now
     * has in the window (this one included), else the milliseconds to wait.
     */
    take: (id: string, keys: readonly { key: string; rule: LockRule }[], windowMs: number) =>
      inRedis(async () =>
        Number(
          await redis.eval(
            TAKE,
            keys.length,
            ...keys.map(({ key }) => redisKey(key)),
            id,
            windowMs,
            ...keys.flatMap(({ rule }) => [rule.maxFailures, rule.firstLockMs, rule.maxLockMs]),
          ),
        ),
      ),

    /** The attempt succeeded: it and `forgiven`'s earlier attempts stop counting, and it stops counting on `counted`. */
    succeed: (id: string, forgiven: string, counted: string) =>
      inRedis(async () => {
        await redis.eval(SUCCEED, 2, redisKey(forgiven), redisKey(counted), id);
      }),

    /** The attempt stops counting on every key. */
    remove: (id: string, keys: readonly string[]) =>
      inRedis(async () => {
        await Promise.all(keys.map((key) => redis.zrem(redisKey(key), id)));
      }),
  };
}

export type LoginThrottleRepository = ReturnType<typeof createLoginThrottleRepository>;
