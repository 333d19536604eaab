import type pg from "pg";

/** The delivery log by status, its oldest pending mail, and the events parked for their customer. */
export async function readNotificationGauges(pool: pg.Pool) {
  const [statuses, backlog] = await Promise.all([
    pool.query<{ status: string; count: number }>(
      "SELECT status, count(*)::int AS count FROM deliveries GROUP BY status",
    ),
    pool.query<{ age: number; awaiting: number }>(
      `SELECT coalesce(extract(epoch FROM now() -
                (SELECT min(created_at) FROM deliveries WHERE status = 'pending')), 0)::float8 AS age,
              (SELECT count(*) FROM awaiting_customer)::int AS awaiting`,
    ),
  ]);
  return {
    statuses: statuses.rows,
    oldestPendingAgeSeconds: backlog.rows[0]!.age,
    awaiting: backlog.rows[0]!.awaiting,
  };
}
