-- GET /files without a folder (the default listing: by name, all of a customer's files) read
-- and sorted every one of the customer's rows for each page: 64 ms for 100,000 files, a p99 of
-- 2.2 s under 50 connections. In (sort value, id) keyset order a page is an index range.
CREATE INDEX files_by_customer_name ON files (customer_id, lower(name), id) WHERE trashed_at IS NULL;
