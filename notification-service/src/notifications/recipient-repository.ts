import type pg from "pg";
import { toCustomer, type KnownCustomer } from "../customers/customer-repository.js";
import { DEFAULT_PREFERENCES, type Preferences } from "../preferences/preferences-repository.js";

export type Recipient = { customer: KnownCustomer | undefined; preferences: Preferences };

/**
 * Each of `customerIds` as projected now, with the preferences (the defaults for those who never
 * set them): one statement, as a batch reads them once.
 */
export async function findRecipients(
  db: pg.ClientBase | pg.Pool,
  customerIds: readonly string[],
): Promise<Map<string, Recipient>> {
  const { rows } = await db.query(
    `SELECT ids.id AS customer_id, c.id, c.email, c.display_name, c.locale, c.email_verified, c.deleted_at,
            c.profile_known, p.shares, p.activity, p.storage
     FROM unnest($1::text[]) AS ids (id)
     LEFT JOIN customers c ON c.id = ids.id
     LEFT JOIN preferences p ON p.customer_id = ids.id`,
    [customerIds],
  );
  return new Map(
    rows.map((row) => [
      row.customer_id,
      {
        customer: row.id === null ? undefined : toCustomer(row),
        preferences:
          row.shares === null
            ? { ...DEFAULT_PREFERENCES }
            : { shares: row.shares, activity: row.activity, storage: row.storage },
      },
    ]),
  );
}
