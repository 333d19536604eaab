-- A download ticket lets the owner's browser download one version of one file by a plain link,
-- natively and streamed, for a minute. Only the ticket's SHA-256 is kept; the session that asked
-- for it is remembered so that ending that session ends the ticket too.
CREATE TABLE download_tickets (
  ticket_hash text PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  file_id     uuid NOT NULL REFERENCES files (id) ON DELETE CASCADE,
  version     integer NOT NULL,
  session_id  text NOT NULL,
  expires_at  timestamptz NOT NULL
);
CREATE INDEX download_tickets_by_customer ON download_tickets (customer_id, expires_at);
