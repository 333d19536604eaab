-- Name search (GET /files?q=) with one trigram index over every customer's names had two bad
-- plans: the trigram bitmap ANDed with a bitmap of all the customer's rows, or a walk of the
-- customer's names in order filtering out every name before the first match (28,000 rows for
-- `invoice-2019` among 100,000 files, 283,000 among 1,000,000). With the customer's id in the
-- same GIN index (btree_gin) the bitmap holds only their matches, and the query keeps to it.
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX files_name_trgm_by_customer ON files USING gin (customer_id, lower(name) gin_trgm_ops)
  WHERE trashed_at IS NULL;
DROP INDEX files_name_trgm;
