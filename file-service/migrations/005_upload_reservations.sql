-- Bytes reserved against the quota by a request streaming content (a simple upload, a tus chunk,
-- a restore), with the instance serving it and how long that instance vouches for it. A live
-- instance renews its own; a crashed one's expire, and any instance gives their bytes back.
-- customers.reserved_bytes stays the sum that quota checks read, changed in the same statement
-- as these rows. Open rows are also what the per-customer cap on concurrent uploads counts.
CREATE TABLE upload_reservations (
  id          uuid PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  bytes       bigint NOT NULL DEFAULT 0 CHECK (bytes >= 0),
  owner       text NOT NULL,
  expires_at  timestamptz NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX upload_reservations_by_customer ON upload_reservations (customer_id, expires_at);
CREATE INDEX upload_reservations_by_expiry ON upload_reservations (expires_at);

-- Before this table, a process that died mid-upload kept its bytes reserved for good. What is
-- legitimately reserved when no service runs (migrations run before they start) is the length of
-- each open resumable upload: anything above it was leaked.
UPDATE customers c SET reserved_bytes = coalesce(
  (SELECT sum(size) FROM resumable_uploads u WHERE u.customer_id = c.id AND u.state IN ('uploading', 'processing')),
  0
);
