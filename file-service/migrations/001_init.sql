-- file-service's state. The event tables (outbox, processed_events) come from @coffer/contracts.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Created on a customer's first request (or by customer.registered, whichever comes first).
CREATE TABLE customers (
  id                 text PRIMARY KEY,
  quota_bytes        bigint NOT NULL,
  -- every stored version, the trash included
  used_bytes         bigint NOT NULL DEFAULT 0 CHECK (used_bytes >= 0),
  -- bytes of uploads in flight: reserved as they stream, so parallel uploads cannot overshoot
  reserved_bytes     bigint NOT NULL DEFAULT 0 CHECK (reserved_bytes >= 0),
  -- the last quota threshold announced (0, 80 or 100): one event per crossing
  notified_threshold integer NOT NULL DEFAULT 0,
  root_folder_id     uuid NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE folders (
  id          uuid PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  parent_id   uuid REFERENCES folders (id),
  name        text NOT NULL,
  trashed_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX folders_name_unique ON folders (parent_id, lower(name)) WHERE trashed_at IS NULL;
CREATE INDEX folders_by_customer ON folders (customer_id, parent_id);

CREATE TABLE files (
  id                 uuid PRIMARY KEY,
  customer_id        text NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  folder_id          uuid NOT NULL REFERENCES folders (id),
  name               text NOT NULL,
  current_version    integer NOT NULL,
  size               bigint NOT NULL,
  content_type       text NOT NULL,
  sha256             text NOT NULL,
  trashed_at         timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX files_name_unique ON files (folder_id, lower(name)) WHERE trashed_at IS NULL;
CREATE INDEX files_by_folder ON files (customer_id, folder_id, lower(name));
CREATE INDEX files_by_customer_updated ON files (customer_id, updated_at DESC);
CREATE INDEX files_name_trgm ON files USING gin (lower(name) gin_trgm_ops);

CREATE TABLE file_versions (
  file_id      uuid NOT NULL REFERENCES files (id) ON DELETE CASCADE,
  version      integer NOT NULL,
  object_key   text NOT NULL UNIQUE,
  size         bigint NOT NULL,
  content_type text NOT NULL,
  sha256       text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (file_id, version)
);

-- Objects whose rows are gone, written in the same transaction that removed them: a worker
-- deletes them from MinIO, so an object is never orphaned and never deleted while referenced.
CREATE TABLE object_deletions (
  object_key text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now()
);
