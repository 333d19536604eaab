import type { OpsContext } from "../context.js";
import { assertTopicExists, offsetsAtTime, partitionOffsets } from "../kafka/cluster.js";
import { readRecords, type KafkaRecord, type PartitionRange } from "../kafka/read-records.js";
import { toJson } from "../output.js";
import { formatRecordView, matchesFilter, type RecordFilter } from "../records/record-view.js";
import type { StartSpec } from "../specs.js";

export type TailOptions = RecordFilter & {
  from?: StartSpec;
  count?: number;
  partitions?: number[];
  follow: boolean;
  showPii: boolean;
};

const DEFAULT_COUNT = 10;

/**
 * Without --from: the last N matching records (by time, across partitions; with a filter the
 * whole topic is searched). With --from: the first N matching records from there. With --follow: then every new one until interrupted
 * (or N in all, when --count is given).
 */
export async function tailCommand(ctx: OpsContext, topic: string, options: TailOptions): Promise<number> {
  const admin = await ctx.admin();
  await assertTopicExists(admin, topic);
  const offsets = await partitionOffsets(admin, topic, options.partitions);
  const view = ctx.viewer({ showPii: options.showPii });
  const count = options.count ?? (options.follow && options.from ? Infinity : DEFAULT_COUNT);
  const print = async (record: KafkaRecord) => {
    const shown = await view(record);
    ctx.io.stdout.write(ctx.json ? `${toJson(shown)}\n` : `${formatRecordView(shown)}\n`);
  };

  // The bounded part: up to the end offsets as they are now.
  const filtered = options.key !== undefined || options.type !== undefined || options.correlationId !== undefined;
  const start = await startOffsets(ctx, topic, offsets, options.from, count, filtered);
  const ranges: PartitionRange[] = offsets.map(({ partition, high }) => ({
    partition,
    start: start.get(partition)!,
    end: high,
  }));
  const matched: KafkaRecord[] = [];
  const perPartition = new Map<number, number>();
  await readRecords(ctx.kafka, topic, ranges, {
    visit: (record) => {
      if (!matchesFilter(record, options)) return "next";
      matched.push(record);
      const n = (perPartition.get(record.partition) ?? 0) + 1;
      perPartition.set(record.partition, n);
      // From a start, no partition needs more than N; for the last N, the whole tail is read.
      return options.from && n >= count ? "partition-done" : "next";
    },
  });
  matched.sort((a, b) => a.timestamp - b.timestamp || a.partition - b.partition || Number(a.offset - b.offset));
  const shown = options.from ? matched.slice(0, count) : matched.slice(-count);
  for (const record of shown) await print(record);

  if (!options.follow) return 0;
  let remaining = options.count === undefined ? Infinity : options.count - shown.length;
  if (remaining <= 0) return 0;
  const follow = offsets.map(({ partition, high }) => ({ partition, start: high, end: null }));
  await readRecords(ctx.kafka, topic, follow, {
    visit: async (record) => {
      if (!matchesFilter(record, options)) return "next";
      await print(record);
      remaining -= 1;
      return remaining <= 0 ? "stop" : "next";
    },
    ...(ctx.io.signal && { signal: ctx.io.signal }),
  });
  return 0;
}

async function startOffsets(
  ctx: OpsContext,
  topic: string,
  offsets: Awaited<ReturnType<typeof partitionOffsets>>,
  from: StartSpec | undefined,
  count: number,
  filtered: boolean,
): Promise<Map<number, bigint>> {
  const clamp = (offset: bigint, low: bigint, high: bigint) => (offset < low ? low : offset > high ? high : offset);
  if (from?.kind === "time") {
    const atTime = await offsetsAtTime(await ctx.admin(), topic, from.ms);
    return new Map(offsets.map(({ partition, high }) => [partition, atTime.get(partition) ?? high]));
  }
  return new Map(
    offsets.map(({ partition, low, high }) => {
      if (!from && filtered) return [partition, low];
      if (!from) return [partition, clamp(high - BigInt(Number.isFinite(count) ? count : 0), low, high)];
      if (from.kind === "earliest") return [partition, low];
      if (from.kind === "latest") return [partition, high];
      return [partition, clamp(from.offset, low, high)];
    }),
  );
}
