import { randomUUID } from "node:crypto";
import type pg from "pg";

/**
 * One row per job that must run once per period across every instance of a service: who took
 * the current period, when the next one opens, how many periods ran (what an operator or a drill
 * reads to see that it ran once each). Applied by `migrate` beside the event tables.
 */
export const PG_JOB_LEASE_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS job_leases (
  name            text PRIMARY KEY,
  holder          text NOT NULL,
  last_started_at timestamptz NOT NULL,
  next_run_at     timestamptz NOT NULL,
  runs            bigint NOT NULL DEFAULT 1
);
`;

const PROCESS_ID = randomUUID();

/**
 * Runs `fn` when this call takes the job's current period: one call per `periodMs` wins, on
 * whichever instance asks first once the period opened; the others answer false at once. The
 * claim is one statement on the database's clock (no session state, so it works behind a pooler
 * in transaction mode). A run that fails or dies is not retried before the next period, and a run
 * longer than the period can overlap the next one: call it only for work that is safe to repeat.
 */
export async function runExclusive(
  pool: pg.Pool,
  name: string,
  periodMs: number,
  fn: () => Promise<unknown>,
): Promise<boolean> {
  const { rowCount } = await pool.query(
    `INSERT INTO job_leases AS l (name, holder, last_started_at, next_run_at)
     VALUES ($1, $2, now(), now() + make_interval(secs => $3))
     ON CONFLICT (name) DO UPDATE
       SET holder = excluded.holder, last_started_at = now(), next_run_at = excluded.next_run_at, runs = l.runs + 1
       WHERE l.next_run_at <= now()`,
    [name, PROCESS_ID, periodMs / 1000],
  );
  if (rowCount !== 1) return false;
  await fn();
  return true;
}
