import { Redis, ReplyError } from "ioredis";

/** A command Redis never answered (unreachable, or no reply in time), as opposed to one it refused. */
export class RedisUnreachableError extends Error {
  constructor(cause: unknown) {
    super("redis is unreachable", { cause });
    this.name = "RedisUnreachableError";
  }
}

export const isRedisUnreachable = (error: unknown) => error instanceof RedisUnreachableError;

/**
 * The connection to the Redis that holds what every instance counts (rate limits, the login
 * throttle). A command waits at most 2 s, then fails, also while Redis is out of reach.
 */
export function openRedis(url: string, options: { onError: (err: Error) => void }) {
  const redis = new Redis(url, { connectTimeout: 2000, commandTimeout: 2000, maxRetriesPerRequest: 1 });
  redis.on("error", options.onError);
  return redis;
}

/** Runs Redis commands, telling an unanswered command (RedisUnreachableError) from a refused one. */
export async function inRedis<T>(commands: () => Promise<T>): Promise<T> {
  try {
    return await commands();
  } catch (error) {
    if (error instanceof ReplyError) throw error;
    throw new RedisUnreachableError(error);
  }
}
