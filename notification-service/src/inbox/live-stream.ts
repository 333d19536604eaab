import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { EventLogger } from "@coffer/contracts";
import { Errors } from "../errors.js";
import { createPgListener } from "./pg-listener.js";
import { INBOX_CHANNEL, getInboxItems, parseInboxNotice, type InboxItem } from "./inbox-repository.js";
import {
  acquireStreamLease,
  releaseInstanceLeases,
  releaseStreamLease,
  renewStreamLeases,
} from "./stream-lease-repository.js";

/** Why the server ended a stream: told to the client in a last `event: end`. */
export type StreamEndReason = "token-expired" | "session-revoked" | "lease-lost" | "shutdown";

/** One open stream as the fan-out sees it; `end` is idempotent. */
export type StreamHolder = { customerId: string; sessionId: string; end(reason: StreamEndReason): void };

/** One open stream as the fan-out feeds it. */
export type Subscriber = {
  /** A new inbox item of the customer, whichever instance stored it. */
  push(item: InboxItem): void;
  /** Sends what was stored and not sent yet: the notifications may have missed some. Never rejects. */
  catchUp(): Promise<void>;
};

export type LiveStream = {
  /** Feeds the subscriber the customer's new inbox items; returns the unsubscribe. */
  subscribe(customerId: string, subscriber: Subscriber): () => void;
  /**
   * Claims a place for one more stream: under this instance's cap (memory) and the customer's
   * (a lease row every instance counts). Throws TOO_MANY_STREAMS or STREAM_CAPACITY_REACHED;
   * returns what gives the place back, once, however often it is called.
   */
  admit(holder: StreamHolder): Promise<() => void>;
  /** Ends this instance's streams that match, e.g. all of them at shutdown. */
  endStreams(match: (holder: StreamHolder) => boolean, reason: StreamEndReason): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The streams this instance has admitted (or is admitting) now. */
  open(): number;
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
  limits: { perCustomer: number; perInstance: number; leaseMs: number };
}): LiveStream {
  const { pool, limits, logger } = options;
  const subscribers = new Map<string, Set<Subscriber>>();
  const instanceId = randomUUID();
  /** Admitted streams, and those on their way in: they count against this instance's cap from the start. */
  const admitted = new Map<StreamHolder, { leaseId: string; since: number }>();
  let admissions = 0;
  let renewal: NodeJS.Timeout | undefined;

  /** Per customer, the ids notified while a read of theirs is under way: read next, together. */
  const notified = new Map<string, string[]>();

  function deliver(payload: string | undefined) {
    const notice = parseInboxNotice(payload);
    if (!notice || !subscribers.has(notice.customerId)) return;
    const queued = notified.get(notice.customerId);
    if (queued) return void queued.push(...notice.ids);
    notified.set(notice.customerId, notice.ids);
    void readNotified(notice.customerId);
  }

  /**
   * One read at a time per customer, so their streams get items in the order they committed
   * (reads of their own could finish in any order); ids notified meanwhile are read next, together.
   */
  async function readNotified(customerId: string) {
    for (let ids = notified.get(customerId)!; ids.length > 0; ids = notified.get(customerId)!) {
      notified.set(customerId, []);
      try {
        const items = await getInboxItems(pool, customerId, ids);
        for (const item of items) for (const stream of subscribers.get(customerId) ?? []) stream.push(item);
      } catch (err) {
        // The streams read it again with what else they may have missed.
        logger.warn({ err }, "live notification not read; the customer's streams catch up");
        catchUp(subscribers.get(customerId) ?? []);
      }
    }
    notified.delete(customerId);
  }

  function catchUp(streams: Iterable<Subscriber>) {
    for (const stream of streams)
      stream.catchUp().catch((err: unknown) => logger.warn({ err }, "a live stream could not catch up"));
  }

  const listener = createPgListener({
    connectionString: options.connectionString,
    channel: INBOX_CHANNEL,
    name: "inbox",
    logger,
    onNotification: deliver,
    // Items notified while the LISTEN was down reached nobody: every open stream catches up.
    onListening() {
      for (const streams of subscribers.values()) catchUp(streams);
    },
  });

  /**
   * Keeps this instance's leases alive. A stream whose lease lapsed anyway (the database was out
   * of reach too long) no longer counts for the other instances: it ends, and its client reconnects.
   */
  async function renew() {
    const before = admissions;
    try {
      const held = await renewStreamLeases(pool, instanceId, limits.leaseMs);
      for (const [holder, place] of admitted)
        if (place.since <= before && !held.has(place.leaseId)) holder.end("lease-lost");
    } catch (err) {
      logger.warn({ err }, "stream leases not renewed");
    }
  }

  return {
    open: () => admitted.size,
    subscribe(customerId, subscriber) {
      const set = subscribers.get(customerId) ?? new Set();
      set.add(subscriber);
      subscribers.set(customerId, set);
      return () => {
        set.delete(subscriber);
        if (set.size === 0) subscribers.delete(customerId);
      };
    },
    async admit(holder) {
      if (admitted.size >= limits.perInstance) throw Errors.streamCapacityReached();
      // Counted by renew() only once its lease is in: until then it may not be visible to the renewal.
      const place = { leaseId: randomUUID(), since: Infinity };
      admitted.set(holder, place);
      let taken: boolean;
      try {
        taken = await acquireStreamLease(pool, {
          id: place.leaseId,
          customerId: holder.customerId,
          instanceId,
          max: limits.perCustomer,
          ttlMs: limits.leaseMs,
        });
      } catch (err) {
        admitted.delete(holder);
        throw err;
      }
      if (!taken) {
        admitted.delete(holder);
        throw Errors.tooManyStreams(limits.perCustomer);
      }
      place.since = ++admissions;
      return () => {
        if (admitted.get(holder) !== place) return;
        admitted.delete(holder);
        // Should the delete fail, the lease lapses on its own.
        releaseStreamLease(pool, place.leaseId).catch((err: unknown) =>
          logger.warn({ err }, "stream lease not released"),
        );
      };
    },
    endStreams(match, reason) {
      for (const holder of [...admitted.keys()]) if (match(holder)) holder.end(reason);
    },
    async start() {
      await listener.start();
      renewal = setInterval(() => void renew(), Math.floor(limits.leaseMs / 3)).unref();
    },
    async stop() {
      clearInterval(renewal);
      await listener.stop();
      await releaseInstanceLeases(pool, instanceId).catch((err: unknown) =>
        logger.warn({ err }, "stream leases not released; they lapse on their own"),
      );
    },
  };
}
