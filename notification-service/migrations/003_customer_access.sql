-- What an access token's signature cannot say, projected from customer-service's events and read
-- on every authenticated request (@coffer/contracts, access projection): a disabled account, a
-- deleted one (a tombstone, kept for good: nothing of a deleted customer is created again), the
-- roles a customer has now, and the sessions revoked before their tokens expire.
CREATE TABLE customer_access (
  customer_id         text PRIMARY KEY,
  disabled            boolean NOT NULL DEFAULT false,
  -- occurredAt of the newest customer.disabled / customer.enabled applied
  disabled_changed_at timestamptz,
  deleted_at          timestamptz,
  -- null until a customer.roles-changed: the token's roles stand
  roles               text[],
  roles_changed_at    timestamptz
);

CREATE TABLE revoked_sessions (
  session_id  text PRIMARY KEY,
  customer_id text NOT NULL,
  revoked_at  timestamptz NOT NULL
);
CREATE INDEX revoked_sessions_by_time ON revoked_sessions (revoked_at);
