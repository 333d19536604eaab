-- What tus kept in each process's memory, shared by every instance: who serves an upload now
-- (a lease its holder renews while the request runs; a second request asks it to let go), and
-- the upload's info the S3 store would otherwise read from its `.info` object.
CREATE TABLE tus_locks (
  upload_id         text PRIMARY KEY,
  holder            text NOT NULL,
  expires_at        timestamptz NOT NULL,
  release_requested boolean NOT NULL DEFAULT false
);
CREATE TABLE tus_upload_info (
  upload_id  text PRIMARY KEY,
  info       jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The completion of a finished upload is claimed by one worker for a while: it hashes the object
-- outside any transaction, then records under its claim. A worker that dies lets the lease run out.
ALTER TABLE resumable_uploads ADD COLUMN claimed_by text, ADD COLUMN lease_until timestamptz;

-- The object a simple upload streams to: when its instance dies, the reaper aborts what it left.
ALTER TABLE upload_reservations ADD COLUMN object_key text;
