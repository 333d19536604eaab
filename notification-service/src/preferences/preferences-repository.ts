import type pg from "pg";

/** Categories a customer can turn off; `security` mail (links, password changes) cannot be. */
export const CATEGORIES = ["shares", "activity", "storage"] as const;
export type Category = (typeof CATEGORIES)[number] | "security";
export type Preferences = Record<(typeof CATEGORIES)[number], boolean>;

export const DEFAULT_PREFERENCES: Preferences = { shares: true, activity: true, storage: true };

export async function getPreferences(db: pg.ClientBase | pg.Pool, customerId: string): Promise<Preferences> {
  const { rows } = await db.query("SELECT shares, activity, storage FROM preferences WHERE customer_id = $1", [
    customerId,
  ]);
  return rows[0]
    ? { shares: rows[0].shares, activity: rows[0].activity, storage: rows[0].storage }
    : { ...DEFAULT_PREFERENCES };
}

export async function setPreferences(db: pg.Pool, customerId: string, preferences: Preferences): Promise<Preferences> {
  await db.query(
    `INSERT INTO preferences (customer_id, shares, activity, storage) VALUES ($1, $2, $3, $4)
     ON CONFLICT (customer_id) DO UPDATE SET shares = $2, activity = $3, storage = $4, updated_at = now()`,
    [customerId, preferences.shares, preferences.activity, preferences.storage],
  );
  return preferences;
}

export async function deletePreferences(db: pg.ClientBase, customerId: string): Promise<void> {
  await db.query("DELETE FROM preferences WHERE customer_id = $1", [customerId]);
}

export function isEnabled(preferences: Preferences, category: Category): boolean {
  return category === "security" || preferences[category];
}
