-- Customer events arrive on several topics, so a customer's e-mail verification (or a share, on
-- a replay from the beginning) can be consumed before its registration.
--
-- profile_known: an event carrying the whole profile (name and locale: customer.registered or
-- customer.profile-updated) has been applied. That event's name and locale are taken even when a
-- newer event came first. Rows from before this migration came from registrations.
ALTER TABLE customers ADD COLUMN profile_known boolean NOT NULL DEFAULT true;
ALTER TABLE customers ALTER COLUMN profile_known SET DEFAULT false;

-- Events whose mail needs a customer not projected yet wait here, instead of holding up their
-- partition, until the customer's profile event releases them in the order they came.
CREATE TABLE awaiting_customer (
  event_id    text PRIMARY KEY,
  customer_id text NOT NULL,
  topic       text NOT NULL,
  event       text NOT NULL, -- Avro JSON encoding: secrets stay sealed as the producer sealed them
  headers     jsonb NOT NULL,
  parked_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX awaiting_customer_customer ON awaiting_customer (customer_id, parked_at);
