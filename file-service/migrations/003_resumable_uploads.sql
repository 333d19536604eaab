-- Resumable (tus) uploads: the bytes reserved against the quota while one is open, and the
-- work left once its last chunk arrived (hashing, checking, recording), done in the background
-- so the final request answers at once.
CREATE TABLE resumable_uploads (
  id           text PRIMARY KEY,            -- the object key: <customerId>/<uuid>
  customer_id  text NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  folder_id    uuid NOT NULL,
  name         text NOT NULL,
  content_type text NOT NULL,
  size         bigint NOT NULL,
  sha256       text,                        -- what the client says the content hashes to
  correlation_id text NOT NULL,
  state        text NOT NULL DEFAULT 'uploading' CHECK (state IN ('uploading', 'processing', 'done', 'failed')),
  file_id      uuid,
  error_code   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX resumable_uploads_processing ON resumable_uploads (state, updated_at);
