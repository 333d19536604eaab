import { randomUUID } from "node:crypto";
import type { Collection, Document } from "mongodb";
import type { EventLogger } from "../events/kafka.js";
import type { EventPublisher, PendingEvent } from "../events/publisher.js";
import type { OutboxBacklog } from "../metrics/outbox-gauges.js";
import type { ServiceMetrics } from "../metrics/service-metrics.js";
import { pendingEventOf, type OutgoingEvent } from "./outgoing-event.js";
import { createRelayLoop } from "./relay-loop.js";

/**
 * The MongoDB outbox needs no multi-document transaction (FerretDB has none): pending events
 * ride in the very document whose change they describe, written by the same single-document
 * update, and the relay removes them once Kafka has them.
 *
 *   await customers.updateOne({ _id }, withOutbox({ $set: { … } }, events));
 *   await customers.insertOne({ _id, …, ...outboxFields(events) });
 */

type StoredEvent = PendingEvent & { createdAt: Date };

function toStored(outgoing: OutgoingEvent): StoredEvent {
  return { ...pendingEventOf(outgoing), createdAt: new Date() };
}

/** Fields of a new document that carries events. */
export function outboxFields(events: readonly OutgoingEvent[]): { outbox: StoredEvent[]; outboxPending: boolean } {
  return { outbox: events.map(toStored), outboxPending: events.length > 0 };
}

/** Adds the events to a document update, so the change and its events are one atomic write. */
export function withOutbox<U extends { $set?: Document; $push?: Document }>(
  update: U,
  events: readonly OutgoingEvent[],
): Omit<U, "$set" | "$push"> & { $set: Document; $push: Document } {
  return {
    ...update,
    $set: { ...update.$set, outboxPending: true },
    $push: { ...update.$push, outbox: { $each: events.map(toStored) } },
  };
}

export type MongoOutboxRelay = {
  start(): void;
  wake(): void;
  stop(): Promise<void>;
  backlog(): Promise<OutboxBacklog>;
};

/**
 * Publishes the pending events of the given collections. A relay leases a document before
 * publishing its events, so several relays never publish the same document at once, and a
 * relay that dies mid-way loses its lease after `leaseMs`. The service calls `wake()` after a
 * write for millisecond latency; polling covers writes made by other instances.
 */
export function createMongoOutboxRelay(options: {
  collections: readonly Collection<Document>[];
  publisher: EventPublisher;
  logger: EventLogger;
  pollIntervalMs?: number;
  leaseMs?: number;
  metrics?: Pick<ServiceMetrics, "published">;
}): MongoOutboxRelay {
  const { collections, publisher, logger, pollIntervalMs = 500, leaseMs = 30_000 } = options;
  const relayId = randomUUID();

  async function publishFrom(collection: Collection<Document>): Promise<number> {
    const now = new Date();
    const claimed = await collection.findOneAndUpdate(
      { outboxPending: true, $or: [{ outboxLeaseUntil: null }, { outboxLeaseUntil: { $lt: now } }] },
      { $set: { outboxLeaseUntil: new Date(now.getTime() + leaseMs), outboxLeaseOwner: relayId } },
      // No projection: FerretDB does not implement findAndModify's `fields`.
      { returnDocument: "after" },
    );
    if (!claimed) return 0;
    const events = (claimed.outbox ?? []) as StoredEvent[];
    try {
      await publisher.publish(events.map(({ createdAt: _createdAt, ...pending }) => pending));
      options.metrics?.published(events, "published");
    } catch (error) {
      options.metrics?.published(events, "failed");
      await collection
        .updateOne(
          { _id: claimed._id, outboxLeaseOwner: relayId },
          { $unset: { outboxLeaseUntil: "", outboxLeaseOwner: "" } },
        )
        .catch(() => undefined);
      throw error;
    }
    // $pullAll with the elements exactly as read: FerretDB ignores $pull with a condition.
    await collection.updateOne({ _id: claimed._id, outboxLeaseOwner: relayId }, {
      $pullAll: { outbox: events },
      $unset: { outboxLeaseUntil: "", outboxLeaseOwner: "" },
    } as Document);
    // Events appended while we published keep the document pending.
    await collection.updateOne({ _id: claimed._id, outbox: { $size: 0 } }, { $set: { outboxPending: false } });
    return Math.max(events.length, 1);
  }

  async function publishBatch(): Promise<number> {
    let published = 0;
    for (const collection of collections) published += await publishFrom(collection);
    return published;
  }

  const loop = createRelayLoop({ name: "mongo-outbox", publishBatch, logger, pollIntervalMs });
  async function backlog() {
    let pending = 0;
    let oldest = Date.now();
    for (const collection of collections) {
      const [row] = await collection
        .aggregate<{ pending: number; oldest: Date | null }>([
          { $match: { outboxPending: true } },
          { $unwind: "$outbox" },
          { $group: { _id: null, pending: { $sum: 1 }, oldest: { $min: "$outbox.createdAt" } } },
        ])
        .toArray();
      pending += row?.pending ?? 0;
      if (row?.oldest) oldest = Math.min(oldest, row.oldest.getTime());
    }
    return { pending, oldestAgeSeconds: (Date.now() - oldest) / 1000 };
  }

  return { start: () => loop.start(), wake: () => loop.wake(), stop: () => loop.stop(), backlog };
}
