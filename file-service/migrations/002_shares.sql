-- Share links: only the hash of a link's token is stored; the token reaches recipients in an
-- encrypted event and the owner in the API answer.
CREATE TABLE shares (
  id             uuid PRIMARY KEY,
  customer_id    text NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  file_id        uuid NOT NULL REFERENCES files (id) ON DELETE CASCADE,
  token_hash     text NOT NULL UNIQUE,
  password_hash  text,
  expires_at     timestamptz NOT NULL,
  max_downloads  integer CHECK (max_downloads > 0),
  download_count integer NOT NULL DEFAULT 0,
  revoked_at     timestamptz,
  recipients     text[] NOT NULL DEFAULT '{}',
  -- failed password attempts, and the lock they earned
  failed_unlocks integer NOT NULL DEFAULT 0,
  locked_until   timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shares_by_customer ON shares (customer_id, created_at DESC);

-- Short-lived access after the right password: the grant's hash and its end.
CREATE TABLE share_grants (
  grant_hash text PRIMARY KEY,
  share_id   uuid NOT NULL REFERENCES shares (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL
);
