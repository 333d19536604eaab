import type pg from "pg";

export type Delivery = {
  eventId: string;
  /** '' for the event's own mail, the replay id when an operator asked for a resend. */
  deliveryKey: string;
  recipient: string;
  customerId: string | null;
  kind: string;
};

/** A delivery as the admins read it. */
export type DeliveryRecord = {
  id: string;
  eventId: string;
  customerId: string | null;
  recipient: string;
  kind: string;
  status: string;
  attempts: number;
  lastError: string | null;
  resend: boolean;
  createdAt: string;
  sentAt: string | null;
};

/** Who claims a delivery (an instance), and for how long its claim holds without being renewed. */
export type Claimant = { owner: string; leaseMs: number };

/**
 * The delivery's row, written `pending` the first time, then claimed for `claimant` if it is
 * still pending and no other claim holds: one atomic UPDATE, so of two instances racing for
 * it one wins. `claimed` false with status `pending`: another instance holds it.
 */
export async function claimDelivery(
  db: pg.ClientBase,
  delivery: Delivery,
  claimant: Claimant,
): Promise<{ id: string; status: string; claimed: boolean }> {
  const { rows } = await db.query<{ id: string; status: string }>(
    `INSERT INTO deliveries (event_id, delivery_key, recipient, customer_id, kind, status)
     VALUES ($1, $2, $3, $4, $5, 'pending')
     ON CONFLICT (event_id, recipient, kind, delivery_key) DO UPDATE SET event_id = deliveries.event_id
     RETURNING id, status`,
    [delivery.eventId, delivery.deliveryKey, delivery.recipient, delivery.customerId, delivery.kind],
  );
  const row = rows[0]!;
  if (row.status !== "pending") return { ...row, claimed: false };
  const { rowCount } = await db.query(
    `UPDATE deliveries SET claimed_by = $2, lease_until = now() + make_interval(secs => $3)
      WHERE id = $1 AND status = 'pending' AND (lease_until IS NULL OR lease_until < now())`,
    [row.id, claimant.owner, claimant.leaseMs / 1000],
  );
  return { ...row, claimed: rowCount === 1 };
}

/** Recorded only under the claim; false when the claim was lost meanwhile (it lapsed and was taken). */
export async function recordSent(db: pg.ClientBase, id: string, owner: string, messageId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE deliveries SET status = 'sent', sent_at = now(), attempts = attempts + 1, message_id = $3, last_error = NULL,
            claimed_by = NULL, lease_until = NULL
      WHERE id = $1 AND claimed_by = $2 AND status = 'pending'`,
    [id, owner, messageId],
  );
  return rowCount === 1;
}

/** A failed attempt under the claim, which it gives up; `permanent` marks the delivery `failed` for good. */
export async function recordFailedAttempt(
  db: pg.ClientBase,
  id: string,
  owner: string,
  failure: { error: string; permanent: boolean },
): Promise<void> {
  await db.query(
    `UPDATE deliveries SET attempts = attempts + 1, last_error = $3, status = CASE WHEN $4 THEN 'failed' ELSE status END,
            claimed_by = NULL, lease_until = NULL
      WHERE id = $1 AND claimed_by = $2`,
    [id, owner, failure.error.slice(0, 1000), failure.permanent],
  );
}

/** Newest first, a page at a time: `before` is the last id of the previous page. */
export async function listDeliveries(
  db: pg.Pool,
  query: { customerId?: string; status?: string; before?: string; limit: number },
): Promise<{ deliveries: DeliveryRecord[]; nextCursor: string | null }> {
  const { rows } = await db.query(
    `SELECT id, event_id, customer_id, recipient, kind, status, attempts, last_error, delivery_key, created_at, sent_at
       FROM deliveries
      WHERE ($1::text IS NULL OR customer_id = $1) AND ($2::text IS NULL OR status = $2) AND ($3::bigint IS NULL OR id < $3)
      ORDER BY id DESC LIMIT $4`,
    [query.customerId ?? null, query.status ?? null, query.before ?? null, query.limit + 1],
  );
  const deliveries = rows.slice(0, query.limit).map((r) => ({
    id: String(r.id),
    eventId: r.event_id,
    customerId: r.customer_id,
    recipient: r.recipient,
    kind: r.kind,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    resend: r.delivery_key !== "",
    createdAt: r.created_at.toISOString(),
    sentAt: r.sent_at?.toISOString() ?? null,
  }));
  return { deliveries, nextCursor: rows.length > query.limit ? deliveries.at(-1)!.id : null };
}
