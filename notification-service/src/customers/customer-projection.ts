import type pg from "pg";

export type KnownCustomer = {
  id: string;
  email: string | null;
  displayName: string;
  locale: string;
  emailVerified: boolean;
  deleted: boolean;
};

/**
 * Applies what a customer event says about the customer. Fields an event does not carry are
 * left as they are; an event older than the newest one applied changes nothing, so a replay
 * cannot roll the projection back. Verification and deletion only ever move forward.
 */
export async function applyCustomerFacts(
  db: pg.ClientBase,
  facts: {
    customerId: string;
    occurredAt: Date;
    email?: string;
    displayName?: string;
    locale?: string;
    emailVerified?: boolean;
    deleted?: boolean;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO customers AS c (id, email, display_name, locale, email_verified, deleted_at, updated_at)
     VALUES ($1, $2, coalesce($3, ''), coalesce($4, 'en'), coalesce($5, false), CASE WHEN $6 THEN $7::timestamptz END, $7)
     ON CONFLICT (id) DO UPDATE SET
       email          = CASE WHEN c.deleted_at IS NOT NULL OR $6 THEN NULL
                             WHEN c.updated_at <= $7 THEN coalesce($2, c.email) ELSE c.email END,
       display_name   = CASE WHEN c.updated_at <= $7 THEN coalesce($3, c.display_name) ELSE c.display_name END,
       locale         = CASE WHEN c.updated_at <= $7 THEN coalesce($4, c.locale) ELSE c.locale END,
       email_verified = c.email_verified OR coalesce($5, false),
       deleted_at     = coalesce(c.deleted_at, CASE WHEN $6 THEN $7::timestamptz END),
       updated_at     = greatest(c.updated_at, $7)`,
    [
      facts.customerId,
      facts.email ?? null,
      facts.displayName ?? null,
      facts.locale ?? null,
      facts.emailVerified ?? null,
      facts.deleted ?? false,
      facts.occurredAt,
    ],
  );
}

export async function findCustomer(
  db: pg.ClientBase | pg.Pool,
  customerId: string,
): Promise<KnownCustomer | undefined> {
  const { rows } = await db.query(
    "SELECT id, email, display_name, locale, email_verified, deleted_at FROM customers WHERE id = $1",
    [customerId],
  );
  const row = rows[0];
  return (
    row && {
      id: row.id,
      email: row.email,
      displayName: row.display_name,
      locale: row.locale,
      emailVerified: row.email_verified,
      deleted: row.deleted_at !== null,
    }
  );
}
