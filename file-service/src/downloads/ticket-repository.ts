import type pg from "pg";

type Db = pg.ClientBase | pg.Pool;

export type TicketRow = {
  customer_id: string;
  file_id: string;
  version: number;
  expired: boolean;
  /** The owner is disabled or deleted, or the session that asked for the ticket has ended. */
  revoked: boolean;
};

/** Stores a ticket for `ttlSeconds`, and forgets the customer's tickets that have expired. */
export async function insertTicket(
  db: Db,
  ticket: { ticketHash: string; customerId: string; fileId: string; version: number; sessionId: string },
  ttlSeconds: number,
): Promise<Date> {
  await db.query("DELETE FROM download_tickets WHERE customer_id = $1 AND expires_at < now()", [ticket.customerId]);
  const { rows } = await db.query<{ expires_at: Date }>(
    `INSERT INTO download_tickets (ticket_hash, customer_id, file_id, version, session_id, expires_at)
     VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6)) RETURNING expires_at`,
    [ticket.ticketHash, ticket.customerId, ticket.fileId, ticket.version, ticket.sessionId, ttlSeconds],
  );
  return rows[0]!.expires_at;
}

/** Whether the owner may still download comes from customer_access and revoked_sessions, the access projection. */
export async function findTicket(db: Db, ticketHash: string): Promise<TicketRow | undefined> {
  const { rows } = await db.query<TicketRow>(
    `SELECT t.customer_id, t.file_id, t.version, t.expires_at <= now() AS expired,
            coalesce(a.disabled OR a.deleted_at IS NOT NULL, false)
              OR EXISTS (SELECT 1 FROM revoked_sessions r WHERE r.session_id = t.session_id) AS revoked
       FROM download_tickets t LEFT JOIN customer_access a ON a.customer_id = t.customer_id
      WHERE t.ticket_hash = $1`,
    [ticketHash],
  );
  return rows[0];
}
