-- A share's downloads are counted by the bytes it served, whatever the Range asked: the bytes
-- handed to clients (what a broken connection did not take is given back when it closes).
ALTER TABLE shares ADD COLUMN served_bytes bigint NOT NULL DEFAULT 0 CHECK (served_bytes >= 0);
UPDATE shares SET served_bytes = shares.download_count * greatest(files.size, 1)
  FROM files WHERE files.id = shares.file_id;

-- Every share created, with how many addresses it mailed: the per-customer rate and recipient
-- limits count these. Not tied to the share, so deleting a file or a share gives nothing back.
CREATE TABLE share_sends (
  share_id    uuid PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  recipients  integer NOT NULL CHECK (recipients >= 0),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX share_sends_by_customer ON share_sends (customer_id, created_at);
