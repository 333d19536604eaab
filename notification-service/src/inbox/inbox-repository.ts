import type pg from "pg";

export const INBOX_CHANNEL = "inbox_item";

export type InboxItem = {
  id: string;
  kind: string;
  category: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  read: boolean;
};

type Row = Omit<InboxItem, "createdAt" | "read"> & { created_at: Date; read_at: Date | null };

const toItem = (r: Row): InboxItem => ({
  id: r.id,
  kind: r.kind,
  category: r.category,
  title: r.title,
  body: r.body,
  link: r.link,
  createdAt: r.created_at.toISOString(),
  read: r.read_at !== null,
});

const COLUMNS = "id, kind, category, title, body, link, created_at, read_at";

/**
 * Adds an item once per (event, customer, kind) and tells every instance (NOTIFY, delivered
 * on commit) so the customer's live streams get it wherever they are connected.
 */
export type NewInboxItem = {
  customerId: string;
  eventId: string;
  kind: string;
  category: string;
  title: string;
  body: string;
  link: string | null;
};

/**
 * A notice names a customer and up to this many of their new items' ids, oldest first
 * ("customer:12,13,14"): well under PostgreSQL's 8,000-byte payload, and one notice per customer
 * of a batch rather than one per item.
 */
const IDS_PER_NOTICE = 300;

/** The customer and item ids a notice on INBOX_CHANNEL names; nothing for a payload not ours. */
export function parseInboxNotice(payload: string | undefined): { customerId: string; ids: string[] } | undefined {
  const match = /^([^:,]+):(\d+(?:,\d+)*)$/.exec(payload ?? "");
  return match ? { customerId: match[1]!, ids: match[2]!.split(",") } : undefined;
}

/** Stores the item unless stored before, and tells the live streams: one statement. */
export async function addInboxItem(db: pg.ClientBase, item: NewInboxItem): Promise<void> {
  await addInboxItems(db, [item]);
}

/** addInboxItem for many items, in their order, as one statement (so one transaction). */
export async function addInboxItems(db: pg.ClientBase, items: readonly NewInboxItem[]): Promise<void> {
  if (items.length === 0) return;
  const column = <K extends keyof NewInboxItem>(key: K) => items.map((item) => item[key]);
  await db.query(
    `WITH added AS (
       INSERT INTO inbox (customer_id, event_id, kind, category, title, body, link)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
       ON CONFLICT (event_id, customer_id, kind) DO NOTHING RETURNING id, customer_id
     ), notices AS (
       SELECT customer_id, (row_number() OVER (PARTITION BY customer_id ORDER BY id) - 1) / ${IDS_PER_NOTICE} AS part, id
         FROM added
     )
     SELECT count(pg_notify($8, customer_id || ':' || ids)) FROM (
       SELECT customer_id, part, string_agg(id::text, ',' ORDER BY id) AS ids FROM notices
        GROUP BY customer_id, part ORDER BY customer_id, part
     ) told`,
    [
      column("customerId"),
      column("eventId"),
      column("kind"),
      column("category"),
      column("title"),
      column("body"),
      column("link"),
      INBOX_CHANNEL,
    ],
  );
}

export async function listInbox(
  db: pg.Pool,
  customerId: string,
  query: { before?: string; limit: number },
): Promise<{ items: InboxItem[]; unread: number; nextCursor: string | null }> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM inbox WHERE customer_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
    [customerId, query.before ?? null, query.limit + 1],
  );
  const unread = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM inbox WHERE customer_id = $1 AND read_at IS NULL",
    [customerId],
  );
  const items = rows.slice(0, query.limit).map(toItem);
  return { items, unread: unread.rows[0]!.n, nextCursor: rows.length > query.limit ? items.at(-1)!.id : null };
}

/**
 * What a stream may have missed, oldest first: the items after `start` that are newer than
 * `newestSent`, and those of the last `settleMs` below it. Ids are taken before commit, so an
 * item may commit after one with a higher id: the window finds it, the caller drops what it sent.
 */
export async function inboxSince(
  db: pg.Pool,
  customerId: string,
  position: { start: string; newestSent: string; settleMs: number },
): Promise<InboxItem[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM inbox WHERE customer_id = $1 AND id > $2
       AND (id > $3 OR created_at > now() - make_interval(secs => $4::double precision / 1000))
     ORDER BY id LIMIT 1000`,
    [customerId, position.start, position.newestSent, position.settleMs],
  );
  return rows.map(toItem);
}

/** The id of the customer's newest item, "0" when there is none: where a new stream starts. */
export async function latestInboxId(db: pg.Pool, customerId: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    "SELECT coalesce(max(id), 0)::text AS id FROM inbox WHERE customer_id = $1",
    [customerId],
  );
  return rows[0]!.id;
}

/** The customer's items of these ids, in the order of `ids`; one that is not theirs is left out. */
export async function getInboxItems(db: pg.Pool, customerId: string, ids: readonly string[]): Promise<InboxItem[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM inbox WHERE customer_id = $1 AND id = ANY($2::bigint[])`,
    [customerId, ids],
  );
  const byId = new Map(rows.map((row) => [String(row.id), toItem(row)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Scoped to the owner: another customer's item is "not found". */
export async function markRead(db: pg.Pool, customerId: string, id: string): Promise<boolean> {
  const result = await db.query(
    "UPDATE inbox SET read_at = coalesce(read_at, now()) WHERE customer_id = $1 AND id = $2",
    [customerId, id],
  );
  return result.rowCount === 1;
}

export async function markAllRead(db: pg.Pool, customerId: string): Promise<number> {
  const result = await db.query("UPDATE inbox SET read_at = now() WHERE customer_id = $1 AND read_at IS NULL", [
    customerId,
  ]);
  return result.rowCount ?? 0;
}

export async function deleteInbox(db: pg.ClientBase, customerId: string): Promise<void> {
  await db.query("DELETE FROM inbox WHERE customer_id = $1", [customerId]);
}
