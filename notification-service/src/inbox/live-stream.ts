import pg from "pg";
import type { EventLogger } from "@coffer/contracts";
import { INBOX_CHANNEL, getInboxItem, type InboxItem } from "./inbox-repository.js";

export type LiveStream = {
  /** Calls `push` with each new inbox item of the customer, whichever instance stored it. */
  subscribe(customerId: string, push: (item: InboxItem) => void): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * Fans inbox items out to the SSE connections of this instance. Every instance LISTENs on the
 * inbox channel, which the instance that stored an item NOTIFYs on commit, so a customer's
 * stream gets the item wherever the event was consumed.
 */
export function createLiveStream(options: {
  pool: pg.Pool;
  connectionString: string;
  logger: EventLogger;
}): LiveStream {
  const subscribers = new Map<string, Set<(item: InboxItem) => void>>();
  let listener: pg.Client | undefined;
  let stopped = false;

  async function deliver(payload: string | undefined) {
    const [customerId, id] = (payload ?? "").split(":");
    const pushes = customerId ? subscribers.get(customerId) : undefined;
    if (!pushes || !id) return;
    const item = await getInboxItem(options.pool, customerId!, id);
    if (item) for (const push of pushes) push(item);
  }

  async function listen(): Promise<void> {
    if (stopped) return;
    const client = new pg.Client({ connectionString: options.connectionString });
    client.on("notification", (message) => {
      deliver(message.payload).catch((err: unknown) => options.logger.warn({ err }, "live notification lost"));
    });
    client.on("error", (err) => {
      options.logger.warn({ err }, "inbox LISTEN connection lost; reconnecting");
      client.end().catch(() => undefined);
      if (listener === client) listener = undefined;
      setTimeout(() => void listen(), 1000);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${INBOX_CHANNEL}`);
      listener = client;
    } catch (err) {
      await client.end().catch(() => undefined);
      options.logger.warn({ err }, "inbox LISTEN failed; retrying");
      setTimeout(() => void listen(), 1000);
    }
  }

  return {
    subscribe(customerId, push) {
      const set = subscribers.get(customerId) ?? new Set();
      set.add(push);
      subscribers.set(customerId, set);
      return () => {
        set.delete(push);
        if (set.size === 0) subscribers.delete(customerId);
      };
    },
    start: () => listen(),
    async stop() {
      stopped = true;
      await listener?.end().catch(() => undefined);
    },
  };
}
