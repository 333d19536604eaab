-- A tus upload's SHA-256 as its chunks arrive: the hash's state after the first `sha256_offset`
-- bytes, so the next chunk continues it on any instance and the completion needs no second read.
ALTER TABLE resumable_uploads ADD COLUMN sha256_offset bigint, ADD COLUMN sha256_state bytea;
