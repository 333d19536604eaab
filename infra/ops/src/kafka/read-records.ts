import { randomUUID } from "node:crypto";
import type { IHeaders, Kafka } from "kafkajs";

export type KafkaRecord = {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
};

/** Offsets [start, end) of one partition; `end: null` follows the partition until stopped. */
export type PartitionRange = { partition: number; start: bigint; end: bigint | null };

/** What the reader does next: go on, stop reading this partition, or stop altogether. */
export type Visit = "next" | "partition-done" | "stop";

/**
 * Reads each partition's range in offset order. A throwaway consumer group (never committed,
 * so Kafka forgets it) only places the reads; an operator's command never moves a real group.
 * Partitions are read one batch at a time; `visit` may wait (the batch's heartbeat keeps the
 * membership while it does).
 */
export async function readRecords(
  kafka: Kafka,
  topic: string,
  ranges: readonly PartitionRange[],
  handlers: {
    visit: (record: KafkaRecord, heartbeat: () => Promise<void>) => Promise<Visit> | Visit;
    /** After each fetched batch of a partition, before the partition may be done: a place to flush. */
    afterBatch?: (partition: number, heartbeat: () => Promise<void>) => Promise<void>;
    signal?: AbortSignal;
  },
): Promise<void> {
  const { visit, afterBatch, signal } = handlers;
  const next = new Map(ranges.filter((r) => r.end === null || r.start < r.end).map((r) => [r.partition, r]));
  const position = new Map([...next.values()].map((r) => [r.partition, r.start]));
  if (next.size === 0 || signal?.aborted) return;

  const consumer = kafka.consumer({
    groupId: `coffer-ops-reader-${randomUUID()}`,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 500,
  });
  let finish!: (error?: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    finish = (error) => (error ? reject(error) : resolve());
  });
  const done = (partition: number) => {
    next.delete(partition);
    consumer.pause([{ topic, partitions: [partition] }]);
    if (next.size === 0) finish();
  };
  const onAbort = () => finish();
  signal?.addEventListener("abort", onAbort);

  await consumer.connect();
  try {
    consumer.on(consumer.events.CRASH, ({ payload }) => finish(payload.error));
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      for (const { partition, start } of next.values()) consumer.seek({ topic, partition, offset: start.toString() });
    });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat, isRunning }) => {
        const range = next.get(batch.partition);
        if (!range) return;
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          // A fetch placed before the seek took effect may repeat or precede the range.
          if (offset < position.get(batch.partition)!) continue;
          if (range.end !== null && offset >= range.end) break;
          if (!isRunning() || !next.has(batch.partition)) return;
          position.set(batch.partition, offset + 1n);
          const record: KafkaRecord = {
            topic,
            partition: batch.partition,
            offset,
            timestamp: Number(message.timestamp),
            key: message.key,
            value: message.value,
            headers: message.headers ?? {},
          };
          const then = await visit(record, heartbeat);
          if (then === "stop") {
            await afterBatch?.(batch.partition, heartbeat);
            return finish();
          }
          if (then === "partition-done") {
            await afterBatch?.(batch.partition, heartbeat);
            return done(batch.partition);
          }
        }
        await afterBatch?.(batch.partition, heartbeat);
        if (range.end !== null && position.get(batch.partition)! >= range.end) done(batch.partition);
        else if (range.end !== null && BigInt(batch.highWatermark) >= range.end && batch.messages.length === 0) {
          done(batch.partition); // the rest of the range is gone (retention) or not records (markers)
        }
      },
    });
    await finished;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    await consumer.disconnect();
  }
}
