import type pg from "pg";

type Db = pg.ClientBase | pg.Pool;

export type Opening = "opened" | "too-many" | "quota" | "no-customer";

/**
 * Opens a reservation of `bytes`, leased to `owner` for `leaseMs`, in one round trip (migration
 * 015): under the customer's lock, refused as "too-many" when `maxOpen` is given and the customer
 * has that many open already (on every instance), as "quota" when the quota has no room for the
 * bytes (none reserved needs no room: a tus chunk's upload reserved its length already), and as
 * "no-customer" before the customer's row exists.
 */
export async function openReservation(
  db: Db,
  r: {
    id: string;
    customerId: string;
    owner: string;
    bytes: number;
    leaseMs: number;
    objectKey?: string;
    maxOpen?: number;
  },
): Promise<Opening> {
  const { rows } = await db.query<{ opening: Opening }>(
    "SELECT open_upload_reservation($1, $2, $3, $4, $5, $6, $7) AS opening",
    [r.id, r.customerId, r.bytes, r.owner, r.leaseMs / 1000, r.objectKey ?? null, r.maxOpen ?? null],
  );
  return rows[0]!.opening;
}

/**
 * Adds bytes to an open reservation when the quota has room, and renews its lease. False when
 * the quota is full, or when the reservation is gone (reaped): its bytes are no longer held.
 */
export async function growReservation(db: Db, id: string, bytes: number, leaseMs: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `WITH lease AS (SELECT customer_id FROM upload_reservations WHERE id = $1 FOR UPDATE),
          granted AS (
            UPDATE customers SET reserved_bytes = reserved_bytes + $2 FROM lease
             WHERE customers.id = lease.customer_id AND used_bytes + reserved_bytes + $2 <= quota_bytes
            RETURNING customers.id
          )
     UPDATE upload_reservations SET bytes = bytes + $2, expires_at = now() + make_interval(secs => $3)
       FROM granted WHERE upload_reservations.id = $1`,
    [id, bytes, leaseMs / 1000],
  );
  return rowCount === 1;
}

/** Gives a reservation's bytes back; once only, whoever calls it (the request, or the reaper). */
export async function releaseReservation(db: Db, id: string): Promise<void> {
  await db.query(
    `WITH gone AS (DELETE FROM upload_reservations WHERE id = $1 RETURNING customer_id, bytes)
     UPDATE customers SET reserved_bytes = greatest(0, reserved_bytes - gone.bytes)
       FROM gone WHERE customers.id = gone.customer_id`,
    [id],
  );
}

/**
 * Closes a reservation in the transaction that turns its bytes into stored use, and answers how
 * many bytes it held (0 if it was reaped meanwhile: the reaper gave them back already).
 */
export async function consumeReservation(tx: pg.ClientBase, id: string): Promise<number> {
  const { rows } = await tx.query<{ bytes: string }>("DELETE FROM upload_reservations WHERE id = $1 RETURNING bytes", [
    id,
  ]);
  return Number(rows[0]?.bytes ?? 0);
}

export async function renewReservations(db: Db, ids: readonly string[], leaseMs: number): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    "UPDATE upload_reservations SET expires_at = now() + make_interval(secs => $2) WHERE id = ANY($1::uuid[])",
    [ids, leaseMs / 1000],
  );
}

/**
 * Releases every reservation whose lease ran out (its instance crashed): how many, their bytes,
 * and the objects their uploads were streaming to.
 */
export async function reapExpiredReservations(
  db: Db,
): Promise<{ reservations: number; bytes: number; objectKeys: string[] }> {
  const { rows } = await db.query<{ reservations: number; bytes: string; object_keys: string[] }>(
    `WITH expired AS (
            DELETE FROM upload_reservations WHERE expires_at < now() RETURNING customer_id, bytes, object_key
          ),
          per_customer AS (
            SELECT customer_id, sum(bytes) AS bytes, count(*) AS reservations FROM expired GROUP BY customer_id
          ),
          released AS (
            UPDATE customers SET reserved_bytes = greatest(0, reserved_bytes - per_customer.bytes)
              FROM per_customer WHERE customers.id = per_customer.customer_id
          )
     SELECT coalesce(sum(reservations), 0)::int AS reservations, coalesce(sum(bytes), 0) AS bytes,
            array(SELECT object_key FROM expired WHERE object_key IS NOT NULL) AS object_keys
       FROM per_customer`,
  );
  return { reservations: rows[0]!.reservations, bytes: Number(rows[0]!.bytes), objectKeys: rows[0]!.object_keys };
}
