import pg from "pg";
import type { DependencyCheck } from "../http/readiness.js";

/**
 * A service's pool of PostgreSQL connections. An idle client's error (e.g. the server restarting)
 * must not crash the process: it is logged and the pool replaces the client. Nor must a checked-out
 * client's, whose connection breaks between two queries (the outbox relay holds one while it waits
 * for Kafka): its next query fails, and the pool drops it on release. The caller ends the pool
 * (`pool.end()`) when its app closes.
 */
export function createPool(options: {
  connectionString: string;
  logger: { warn(obj: object, msg: string): void };
}): pg.Pool {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: 20, connectionTimeoutMillis: 5000 });
  pool.on("error", (err) => options.logger.warn({ err }, "idle postgres client failed"));
  pool.on("connect", (client) => client.on("error", (err) => options.logger.warn({ err }, "postgres connection lost")));
  return pool;
}

/** `/health/ready`'s "postgres": the pool answers a query. */
export function createPgCheck(pool: pg.Pool): DependencyCheck {
  return { name: "postgres", check: async () => void (await pool.query("SELECT 1")) };
}
