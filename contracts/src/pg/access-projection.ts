import type pg from "pg";
import type { Handlers } from "../consumer/consumer-runner.js";
import { TOPICS } from "../events/generated/events.js";
import { MAX_ACCESS_TOKEN_TTL_SECONDS } from "../http/access-token-verifier.js";
import { AccessErrors, type AccessCheck } from "../http/authenticate.js";

/**
 * A PostgreSQL service's projection of what access tokens cannot say, from customer-service's
 * events: customers disabled or deleted (a deletion is a tombstone, kept for good), the roles a
 * customer has now, and the sessions revoked. It lives in the service's own tables
 * `customer_access` and `revoked_sessions` (PG_ACCESS_TABLES_SQL, created by `migrate`), is read once per
 * authenticated request, and is written by the handlers below in the consumer's transaction.
 *
 * Each change that ends access is announced on ACCESS_REVOKED_CHANNEL when it commits, to
 * every instance of the service that LISTENs (open streams close at once).
 */
export const ACCESS_REVOKED_CHANNEL = "coffer_access_revoked";

/** The projection's tables, the same in every PostgreSQL service; `migrate` creates them. */
export const PG_ACCESS_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS customer_access (
  customer_id         text PRIMARY KEY,
  disabled            boolean NOT NULL DEFAULT false,
  -- occurredAt of the newest customer.disabled / customer.enabled applied
  disabled_changed_at timestamptz,
  -- a tombstone, kept for good: nothing of a deleted customer is created again
  deleted_at          timestamptz,
  -- null until a customer.roles-changed: the token's roles stand
  roles               text[],
  roles_changed_at    timestamptz
);
CREATE TABLE IF NOT EXISTS revoked_sessions (
  session_id  text PRIMARY KEY,
  customer_id text NOT NULL,
  revoked_at  timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS revoked_sessions_by_time ON revoked_sessions (revoked_at);
`;

/** The payload of an ACCESS_REVOKED_CHANNEL notification: a session, or a whole customer when `sessionId` is absent. */
export type AccessRevoked = { customerId: string; sessionId?: string };

type Db = pg.ClientBase | pg.Pool;

/** Revoked sessions are remembered while a token of theirs could still be unexpired, with room for clock skew. */
const REVOKED_SESSION_RETENTION_SECONDS = 2 * MAX_ACCESS_TOKEN_TTL_SECONDS;

async function announce(db: Db, revoked: AccessRevoked): Promise<void> {
  await db.query("SELECT pg_notify($1, $2)", [ACCESS_REVOKED_CHANNEL, JSON.stringify(revoked)]);
}

/**
 * Applies what a customer event says about access. Events of one customer come from several
 * topics, so the newest `occurredAt` wins per fact; a deletion is never undone.
 */
export async function applyAccessFacts(
  db: Db,
  facts: { customerId: string; occurredAt: Date; disabled?: boolean; deleted?: boolean; roles?: string[] },
): Promise<void> {
  await db.query(
    `INSERT INTO customer_access AS a (customer_id, disabled, disabled_changed_at, deleted_at, roles, roles_changed_at)
     VALUES ($1, coalesce($2, false), CASE WHEN $2 IS NOT NULL THEN $5::timestamptz END,
             CASE WHEN $3 THEN $5::timestamptz END, $4, CASE WHEN $4::text[] IS NOT NULL THEN $5::timestamptz END)
     ON CONFLICT (customer_id) DO UPDATE SET
       disabled            = CASE WHEN $2 IS NOT NULL AND coalesce(a.disabled_changed_at <= $5, true) THEN $2
                                  ELSE a.disabled END,
       disabled_changed_at = CASE WHEN $2 IS NOT NULL AND coalesce(a.disabled_changed_at <= $5, true) THEN $5
                                  ELSE a.disabled_changed_at END,
       deleted_at          = coalesce(a.deleted_at, CASE WHEN $3 THEN $5::timestamptz END),
       roles               = CASE WHEN $4::text[] IS NOT NULL AND coalesce(a.roles_changed_at <= $5, true) THEN $4
                                  ELSE a.roles END,
       roles_changed_at    = CASE WHEN $4::text[] IS NOT NULL AND coalesce(a.roles_changed_at <= $5, true) THEN $5
                                  ELSE a.roles_changed_at END`,
    [facts.customerId, facts.disabled ?? null, facts.deleted ?? false, facts.roles ?? null, facts.occurredAt],
  );
  if (facts.disabled || facts.deleted) await announce(db, { customerId: facts.customerId });
}

/** A customer's deletion: nothing of theirs may be created again, whatever token still arrives. */
export const tombstoneCustomer = (db: Db, customerId: string, occurredAt: Date) =>
  applyAccessFacts(db, { customerId, occurredAt, deleted: true });

export async function isTombstoned(db: Db, customerId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    "SELECT 1 FROM customer_access WHERE customer_id = $1 AND deleted_at IS NOT NULL",
    [customerId],
  );
  return rowCount === 1;
}

export async function recordRevokedSession(
  db: Db,
  revoked: { customerId: string; sessionId: string; revokedAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO revoked_sessions (session_id, customer_id, revoked_at) VALUES ($1, $2, $3)
     ON CONFLICT (session_id) DO NOTHING`,
    [revoked.sessionId, revoked.customerId, revoked.revokedAt],
  );
  await announce(db, { customerId: revoked.customerId, sessionId: revoked.sessionId });
}

/** Forgets revoked sessions no unexpired token can belong to any more (the hourly sweep). */
export async function purgeRevokedSessions(db: Db): Promise<number> {
  const { rowCount } = await db.query(
    "DELETE FROM revoked_sessions WHERE revoked_at < now() - make_interval(secs => $1)",
    [REVOKED_SESSION_RETENTION_SECONDS],
  );
  return rowCount ?? 0;
}

/** The consumer handlers that keep the projection; `customer.deleted` is the service's own (it erases too) and calls `tombstoneCustomer`. */
export function createAccessProjectionHandlers(): Handlers<pg.PoolClient> {
  return {
    [TOPICS.customerDisabled]: async (e, { db }) =>
      applyAccessFacts(db, { customerId: e.customerId, occurredAt: e.occurredAt, disabled: true }),
    [TOPICS.customerEnabled]: async (e, { db }) =>
      applyAccessFacts(db, { customerId: e.customerId, occurredAt: e.occurredAt, disabled: false }),
    [TOPICS.customerRolesChanged]: async (e, { db }) =>
      applyAccessFacts(db, { customerId: e.customerId, occurredAt: e.occurredAt, roles: e.roles }),
    [TOPICS.sessionRevoked]: async (e, { db }) =>
      recordRevokedSession(db, { customerId: e.customerId, sessionId: e.sessionId, revokedAt: e.occurredAt }),
  };
}

/**
 * The check `createAuthenticate` runs on every request: one query, two primary-key lookups, no
 * cache (so every instance answers the same the moment the event is applied). A token keeps only
 * the roles the customer still has. With `prepared`, the statement is named, parsed and planned
 * once per connection: not behind PgBouncer in transaction mode, which hands each transaction
 * whichever server connection is free.
 */
export function createPgAccessCheck(db: Db, options: { prepared?: boolean } = {}): AccessCheck {
  const name = options.prepared ? "access-check" : undefined;
  return async (customer) => {
    const { rows } = await db.query<{
      session_revoked: boolean;
      disabled: boolean | null;
      deleted: boolean | null;
      roles: string[] | null;
    }>({
      name,
      text: `SELECT r.session_id IS NOT NULL AS session_revoked, a.disabled, a.deleted_at IS NOT NULL AS deleted, a.roles
               FROM (SELECT $1::text AS customer_id, $2::text AS session_id) t
               LEFT JOIN customer_access a ON a.customer_id = t.customer_id
               LEFT JOIN revoked_sessions r ON r.session_id = t.session_id`,
      values: [customer.customerId, customer.sessionId],
    });
    const access = rows[0]!;
    if (access.deleted) throw AccessErrors.tokenRevoked("The account no longer exists");
    if (access.disabled) throw AccessErrors.accountDisabled();
    if (access.session_revoked) throw AccessErrors.tokenRevoked();
    const current = access.roles;
    return current ? { ...customer, roles: customer.roles.filter((role) => current.includes(role)) } : customer;
  };
}
