-- notification-service's own state. The event tables (outbox, processed_events) come from @coffer/contracts.

-- What this service knows of each customer, projected from the customer events (it never calls customer-service).
CREATE TABLE customers (
  id             text PRIMARY KEY,
  email          text,
  display_name   text NOT NULL DEFAULT '',
  locale         text NOT NULL DEFAULT 'en',
  email_verified boolean NOT NULL DEFAULT false,
  deleted_at     timestamptz,
  -- occurredAt of the newest event applied: an older, replayed event never overwrites newer state
  updated_at     timestamptz NOT NULL
);

CREATE TABLE preferences (
  customer_id text PRIMARY KEY,
  shares      boolean NOT NULL DEFAULT true,
  activity    boolean NOT NULL DEFAULT true,
  storage     boolean NOT NULL DEFAULT true,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE inbox (
  id          bigserial PRIMARY KEY,
  customer_id text NOT NULL,
  event_id    uuid NOT NULL,
  kind        text NOT NULL,
  category    text NOT NULL,
  title       text NOT NULL,
  body        text NOT NULL,
  link        text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  read_at     timestamptz,
  UNIQUE (event_id, customer_id, kind)
);
CREATE INDEX inbox_by_customer ON inbox (customer_id, id DESC);
CREATE INDEX inbox_unread ON inbox (customer_id) WHERE read_at IS NULL;

-- One row per e-mail: checked before sending, so a redelivered or replayed event sends nothing twice.
CREATE TABLE deliveries (
  id           bigserial PRIMARY KEY,
  event_id     uuid NOT NULL,
  -- '' for the event's own mail; an operator's replay with x-replay-resend uses its replay id
  delivery_key text NOT NULL DEFAULT '',
  recipient    text NOT NULL,
  customer_id  text,
  kind         text NOT NULL,
  status       text NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  attempts     integer NOT NULL DEFAULT 0,
  last_error   text,
  message_id   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  sent_at      timestamptz,
  UNIQUE (event_id, recipient, kind, delivery_key)
);
CREATE INDEX deliveries_by_customer ON deliveries (customer_id, id DESC);
CREATE INDEX deliveries_by_status ON deliveries (status, id DESC);
