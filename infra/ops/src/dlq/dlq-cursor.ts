import type { Admin, Kafka } from "kafkajs";
import { refused } from "../errors.js";
import { committedOffsets, describeGroup, describeMembers, partitionOffsets } from "../kafka/cluster.js";

/** The consumer group whose offsets on `<topic>.dlq` say what operators have dealt with. */
export const DEFAULT_DLQ_GROUP = "coffer-ops-dlq";

/**
 * One DLQ partition's cursor: every record before `offset` is dealt with (redriven or parked),
 * and so are the records in `handled` after it (dealt with out of order, e.g. one error class
 * before another). `handled` rides in the commit's metadata, next to the offset it qualifies.
 */
export type PartitionCursor = { partition: number; high: bigint; offset: bigint; handled: Set<bigint> };

// Kafka's default offset.metadata.max.bytes is 4096.
const MAX_METADATA = 4000;

function encodeHandled(handled: Set<bigint>): string {
  const sorted = [...handled].sort((a, b) => (a < b ? -1 : 1));
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1n) j += 1;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.length === 0 ? "" : `handled:${parts.join(",")}`;
}

function decodeHandled(metadata: string | null): Set<bigint> {
  const handled = new Set<bigint>();
  if (!metadata?.startsWith("handled:")) return handled;
  for (const part of metadata.slice(8).split(",")) {
    const [from, to] = part.split("-").map((n) => BigInt(n));
    for (let o = from!; o <= (to ?? from!); o += 1n) handled.add(o);
  }
  return handled;
}

export async function readCursor(admin: Admin, group: string, dlqTopic: string): Promise<PartitionCursor[]> {
  const committed = (await committedOffsets(admin, group, [dlqTopic])).get(dlqTopic);
  return (await partitionOffsets(admin, dlqTopic)).map(({ partition, low, high }) => {
    const commit = committed?.get(partition);
    // Records deleted by retention are behind the cursor whatever it says.
    const offset = commit?.offset !== null && commit?.offset !== undefined && commit.offset > low ? commit.offset : low;
    const handled = new Set([...decodeHandled(commit?.metadata ?? null)].filter((o) => o >= offset));
    return { partition, high, offset, handled };
  });
}

export const isPending = (cursor: PartitionCursor, offset: bigint) =>
  offset >= cursor.offset && !cursor.handled.has(offset);

/** The cursor once these records are dealt with: it moves over every leading dealt-with record. */
export function advance(cursor: PartitionCursor, offsets: readonly bigint[]): PartitionCursor {
  const handled = new Set([...cursor.handled, ...offsets.filter((o) => o >= cursor.offset)]);
  let offset = cursor.offset;
  while (handled.delete(offset)) offset += 1n;
  return { ...cursor, offset, handled };
}

/**
 * Commits the cursors. kafkajs commits with metadata only from a member of the group, so this
 * joins the group for a moment, commits and leaves; it refuses when someone else is in it.
 */
export async function writeCursor(
  kafka: Kafka,
  admin: Admin,
  group: string,
  dlqTopic: string,
  cursors: readonly PartitionCursor[],
): Promise<void> {
  const commits = cursors.map((c) => ({
    topic: dlqTopic,
    partition: c.partition,
    offset: c.offset.toString(),
    metadata: encodeHandled(c.handled),
  }));
  const tooLong = commits.find((c) => c.metadata.length > MAX_METADATA);
  if (tooLong) {
    throw refused(
      `${dlqTopic} partition ${tooLong.partition} has too many records dealt with out of order; redrive or park the earlier ones first`,
    );
  }
  const { members } = await describeGroup(admin, group);
  if (members.length > 0) throw refused(`DLQ group ${group} is in use by ${describeMembers(members)}`);

  const consumer = kafka.consumer({ groupId: group, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
  await consumer.connect();
  try {
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.subscribe({ topics: [dlqTopic], fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
    consumer.pause([{ topic: dlqTopic }]);
    await joined;
    await consumer.commitOffsets(commits);
  } finally {
    await consumer.disconnect();
  }
}
