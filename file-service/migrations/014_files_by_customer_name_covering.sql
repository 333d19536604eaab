-- A name search first walks the customer's names in order. lower(name) alone in the index cannot
-- answer that walk (an index-only scan needs the column under the expression): each name read
-- was a heap page. With the name stored in the index the walk never leaves it, so it can read ten
-- thousand names for the cost of a thousand rows.
CREATE INDEX files_by_customer_name_covering ON files (customer_id, lower(name), id) INCLUDE (name)
  WHERE trashed_at IS NULL;
DROP INDEX files_by_customer_name;
ALTER INDEX files_by_customer_name_covering RENAME TO files_by_customer_name;
