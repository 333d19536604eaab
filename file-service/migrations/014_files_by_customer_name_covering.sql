-- A name search first walks the customer's names in order. lower(name) alone in the index cannot
-- answer that walk (an index-only scan needs the column under the expression): each name read
-- was a heap page. With the name stored in the index the walk never leaves it, so it reads ten
-- thousand names for the cost of a thousand rows. The listing uses this index as it used the one
-- it replaces. Built here inside the migration's transaction (writes to files wait for it); a large
-- deployment may build it first with CREATE INDEX CONCURRENTLY under the same name.
CREATE INDEX IF NOT EXISTS files_by_customer_name_covering ON files (customer_id, lower(name), id) INCLUDE (name)
  WHERE trashed_at IS NULL;
DROP INDEX IF EXISTS files_by_customer_name;
