import type pg from "pg";

export type KnownCustomer = {
  id: string;
  email: string | null;
  displayName: string;
  locale: string;
  emailVerified: boolean;
  deleted: boolean;
  /** An event carrying the whole profile (registered or updated) has been applied. */
  profileKnown: boolean;
};

/**
 * Applies what a customer event says about the customer. Fields an event does not carry are
 * left as they are; an event older than the newest one applied changes nothing, so a replay
 * cannot roll the projection back. Verification and deletion only ever move forward.
 *
 * Customer events come from several topics, so a registration can arrive after the verification
 * that followed it: an event carrying the whole profile (a locale is only sent with it) sets the
 * name and locale even when older, as long as no such event has been applied yet.
 */
export async function applyCustomerFacts(
  db: pg.ClientBase | pg.Pool,
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
  const profile = facts.locale !== undefined;
  await db.query(
    `INSERT INTO customers AS c (id, email, display_name, locale, email_verified, deleted_at, updated_at, profile_known)
     VALUES ($1, $2, coalesce($3, ''), coalesce($4, 'en'), coalesce($5, false), CASE WHEN $6 THEN $7::timestamptz END, $7, $8)
     ON CONFLICT (id) DO UPDATE SET
       email          = CASE WHEN c.deleted_at IS NOT NULL OR $6 THEN NULL
                             WHEN c.updated_at <= $7 OR c.email IS NULL THEN coalesce($2, c.email) ELSE c.email END,
       display_name   = CASE WHEN c.updated_at <= $7 OR (NOT c.profile_known AND $8) THEN coalesce($3, c.display_name)
                             ELSE c.display_name END,
       locale         = CASE WHEN c.updated_at <= $7 OR (NOT c.profile_known AND $8) THEN coalesce($4, c.locale)
                             ELSE c.locale END,
       email_verified = c.email_verified OR coalesce($5, false),
       deleted_at     = coalesce(c.deleted_at, CASE WHEN $6 THEN $7::timestamptz END),
       profile_known  = c.profile_known OR $8,
       updated_at     = greatest(c.updated_at, $7)`,
    [
      facts.customerId,
      facts.email ?? null,
      facts.displayName ?? null,
      facts.locale ?? null,
      facts.emailVerified ?? null,
      facts.deleted ?? false,
      facts.occurredAt,
      profile,
    ],
  );
}

export const toCustomer = (row: {
  id: string;
  email: string | null;
  display_name: string;
  locale: string;
  email_verified: boolean;
  deleted_at: Date | null;
  profile_known: boolean;
}): KnownCustomer => ({
  id: row.id,
  email: row.email,
  displayName: row.display_name,
  locale: row.locale,
  emailVerified: row.email_verified,
  deleted: row.deleted_at !== null,
  profileKnown: row.profile_known,
});

const CUSTOMER_COLUMNS = "id, email, display_name, locale, email_verified, deleted_at, profile_known";

export async function findCustomer(
  db: pg.ClientBase | pg.Pool,
  customerId: string,
): Promise<KnownCustomer | undefined> {
  const { rows } = await db.query(`SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id = $1`, [customerId]);
  return rows[0] && toCustomer(rows[0]);
}
