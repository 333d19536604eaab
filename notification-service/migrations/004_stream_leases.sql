-- One row per open live stream, wherever it is connected: the cap on a customer's streams counts
-- them across instances. Each instance renews its own rows; a dead instance's lapse at expires_at.
CREATE TABLE stream_leases (
  id          uuid PRIMARY KEY,
  customer_id text NOT NULL,
  instance_id uuid NOT NULL,
  expires_at  timestamptz NOT NULL
);
CREATE INDEX stream_leases_by_customer ON stream_leases (customer_id);
CREATE INDEX stream_leases_by_instance ON stream_leases (instance_id);
CREATE INDEX stream_leases_by_expiry ON stream_leases (expires_at);
