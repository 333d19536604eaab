import { randomUUID } from "node:crypto";
import { SingleBar } from "cli-progress";
import { Partitioners, type Message } from "kafkajs";
import { audited } from "../audit/audit-log.js";
import type { OpsContext } from "../context.js";
import { EXIT, OpsError, usageError } from "../errors.js";
import { assertTopicExists, offsetsAtTime, partitionOffsets } from "../kafka/cluster.js";
import { createCopyProducer } from "../kafka/copy-producer.js";
import { readRecords, type KafkaRecord, type PartitionRange, type Visit } from "../kafka/read-records.js";
import { formatTable, printJson } from "../output.js";
import { matchesFilter, type RecordFilter } from "../records/record-view.js";
import { isSelected, parseOffsetSelection, type OffsetSelection } from "../specs.js";
import { loadCheckpoint, saveCheckpoint, type ReplayCheckpoint, type ReplaySelection } from "./replay-checkpoint.js";
import { replayCountOf, replayHeaders } from "./replay-headers.js";

export type RepublishOptions = {
  fromTopic?: string;
  toTopic?: string;
  since?: number;
  until?: number;
  offsets?: string;
  partitions?: number[];
  filter: RecordFilter;
  rate?: number;
  resend: boolean;
  maxReplays: number;
  execute: boolean;
  resume?: string;
};

type Counts = { selected: number; refused: number; perPartition: Record<string, number> };

async function selectionOf(ctx: OpsContext, options: RepublishOptions): Promise<ReplaySelection> {
  const fromTopic = options.fromTopic;
  if (!fromTopic) throw usageError("--from-topic is required (or --resume <replay-id>)");
  const chosen = options.offsets === undefined ? undefined : parseOffsetSelection(options.offsets);
  if (chosen && (options.since !== undefined || options.until !== undefined)) {
    throw usageError("--offsets cannot be combined with --since/--until");
  }
  const toTopic = options.toTopic ?? fromTopic;
  const admin = await ctx.admin();
  await assertTopicExists(admin, fromTopic);
  if (toTopic !== fromTopic) await assertTopicExists(admin, toTopic);
  const only = options.partitions ?? (chosen && [...chosen.keys()]);
  const offsets = await partitionOffsets(admin, fromTopic, only);
  const since = options.since === undefined ? undefined : await offsetsAtTime(admin, fromTopic, options.since);
  const until = options.until === undefined ? undefined : await offsetsAtTime(admin, fromTopic, options.until);
  const ranges = offsets.map(({ partition, low, high }) => {
    let start = since?.get(partition) ?? low;
    let end = until?.get(partition) ?? high;
    const picked = chosen?.get(partition);
    if (picked) {
      start = picked.reduce((min, r) => (r.from < min ? r.from : min), high);
      end = picked.reduce((max, r) => (r.to === null ? high : r.to + 1n > max ? r.to + 1n : max), start);
    }
    start = start < low ? low : start;
    end = end > high ? high : end;
    return { partition, start: start.toString(), end: (end < start ? start : end).toString() };
  });
  return {
    fromTopic,
    toTopic,
    ranges,
    offsets: options.offsets ?? null,
    filter: options.filter,
    maxReplays: options.maxReplays,
    resend: options.resend,
    rate: options.rate ?? null,
  };
}

/** Whether a record is one the replay copies (before the loop guard). */
function selector(selection: ReplaySelection): (record: KafkaRecord) => boolean {
  const offsets: OffsetSelection | undefined = selection.offsets ? parseOffsetSelection(selection.offsets) : undefined;
  return (record) =>
    (!offsets || isSelected(offsets, record.partition, record.offset)) && matchesFilter(record, selection.filter);
}

const rangesOf = (selection: ReplaySelection, next?: Record<string, string>): PartitionRange[] =>
  selection.ranges.map(({ partition, start, end }) => ({
    partition,
    start: BigInt(next?.[partition] ?? start),
    end: BigInt(end),
  }));

/** Counts what a replay would copy and refuse, reading the selection once; changes nothing. */
async function dryRun(ctx: OpsContext, selection: ReplaySelection): Promise<Counts> {
  const counts: Counts = { selected: 0, refused: 0, perPartition: {} };
  const selects = selector(selection);
  await readRecords(ctx.kafka, selection.fromTopic, rangesOf(selection), {
    visit: (record) => {
      if (!selects(record)) return "next";
      if (replayCountOf(record.headers) >= selection.maxReplays) counts.refused += 1;
      else {
        counts.selected += 1;
        counts.perPartition[record.partition] = (counts.perPartition[record.partition] ?? 0) + 1;
      }
      return "next";
    },
  });
  return counts;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Copies the selection, checkpointing after every produced chunk so a crashed run resumes where it was. */
async function copy(ctx: OpsContext, checkpoint: ReplayCheckpoint): Promise<ReplayCheckpoint> {
  const { selection, replayId } = checkpoint;
  const selects = selector(selection);
  const ranges = rangesOf(selection, checkpoint.next);
  const producer = createCopyProducer(ctx.kafka);
  const partitioner = Partitioners.DefaultPartitioner();
  const [target] = (await (await ctx.admin()).fetchTopicMetadata({ topics: [selection.toTopic] })).topics;
  const partitionMetadata = target!.partitions;
  const rate = selection.rate;
  // Chunks small enough for the rate to be smooth, large enough to be fast without one.
  const chunkSize = rate ? Math.max(1, Math.min(500, Math.ceil(rate / 10))) : 500;
  const total = ranges.reduce((sum, r) => sum + Number(r.end! - r.start), 0);
  const bar =
    ctx.io.stderr.isTTY && total > 0
      ? new SingleBar(
          {
            format: "replay {bar} {value}/{total} read | {copied} copied | {speed}/s | ETA {eta_formatted}",
            stream: ctx.io.stderr as NodeJS.WritableStream,
            etaBuffer: 50,
          },
          undefined,
        )
      : undefined;
  const started = Date.now();
  let copiedThisRun = 0;
  let scanned = 0;
  bar?.start(total, 0, { copied: checkpoint.copied, speed: 0 });
  const pending: Message[] = [];
  const read = new Map<number, bigint>();

  async function flush(heartbeat: () => Promise<void>) {
    if (pending.length > 0) {
      if (rate) {
        // Paced on what this run has copied: the copies leave at the operator's rate at most.
        for (let wait = started + ((copiedThisRun + pending.length) / rate) * 1000 - Date.now(); wait > 0;) {
          await sleep(Math.min(wait, 1000));
          await heartbeat();
          wait = started + ((copiedThisRun + pending.length) / rate) * 1000 - Date.now();
        }
      }
      const chunk = pending.splice(0);
      for (const { partition, baseOffset } of await producer.send(selection.toTopic, chunk)) {
        const count = chunk.filter((m) => m.partition === partition).length;
        checkpoint.lastOffsets[partition] = (BigInt(baseOffset ?? "0") + BigInt(count) - 1n).toString();
      }
    }
    for (const [partition, offset] of read) checkpoint.next[partition] = offset.toString();
    await saveCheckpoint(ctx.config.stateDir, checkpoint);
    const seconds = (Date.now() - started) / 1000;
    bar?.update(scanned, { copied: checkpoint.copied, speed: seconds > 0 ? Math.round(copiedThisRun / seconds) : 0 });
  }

  try {
    const replayedAt = new Date().toISOString();
    await readRecords(ctx.kafka, selection.fromTopic, ranges, {
      visit: async (record, heartbeat): Promise<Visit> => {
        scanned += 1;
        read.set(record.partition, record.offset + 1n);
        if (!selects(record)) return "next";
        if (replayCountOf(record.headers) >= selection.maxReplays) {
          checkpoint.refused += 1;
          return "next";
        }
        const message: Message = {
          key: record.key,
          value: record.value,
          headers: replayHeaders(record.headers, { replayId, replayedAt, resend: selection.resend }),
        };
        // Into its own topic a copy keeps its partition; elsewhere the key decides, as for any event.
        message.partition =
          selection.toTopic === selection.fromTopic
            ? record.partition
            : partitioner({ topic: selection.toTopic, partitionMetadata, message });
        pending.push(message);
        checkpoint.copied += 1;
        copiedThisRun += 1;
        if (pending.length >= chunkSize) await flush(heartbeat);
        return "next";
      },
      afterBatch: async (_partition, heartbeat) => flush(heartbeat),
      ...(ctx.io.signal && { signal: ctx.io.signal }),
    });
    if (ctx.io.signal?.aborted) {
      throw new OpsError(EXIT.failure, `interrupted; the rest is copied by --resume ${replayId}`);
    }
    for (const range of ranges) checkpoint.next[range.partition] = range.end!.toString();
    checkpoint.status = "completed";
    await saveCheckpoint(ctx.config.stateDir, checkpoint);
  } finally {
    bar?.stop();
    await producer.close();
  }
  return checkpoint;
}

/**
 * Copies selected records (key, value and headers as they are) back into their topic or into
 * another, stamped with the replay's headers. Dry run unless --execute; records already
 * replayed --max-replays times are refused (a loop guard); resumable with --resume.
 */
export async function republishCommand(ctx: OpsContext, options: RepublishOptions): Promise<number> {
  let checkpoint: ReplayCheckpoint;
  let phase: "started" | "resumed" = "started";
  if (options.resume) {
    checkpoint = await loadCheckpoint(ctx.config.stateDir, options.resume);
    phase = "resumed";
    if (checkpoint.status === "completed") {
      report(ctx, checkpoint, true, "this replay has already completed");
      return 0;
    }
    const admin = await ctx.admin();
    await assertTopicExists(admin, checkpoint.selection.fromTopic);
    await assertTopicExists(admin, checkpoint.selection.toTopic);
  } else {
    const selection = await selectionOf(ctx, options);
    if (!options.execute) {
      const counts = await dryRun(ctx, selection);
      if (ctx.json) printJson(ctx.io, { executed: false, selection, ...counts });
      else {
        ctx.io.stdout.write(
          [
            `republish ${selection.fromTopic} → ${selection.toTopic}${selection.resend ? " with --resend" : ""}:`,
            formatTable(
              ["PARTITION", "FROM", "TO", "RECORDS"],
              selection.ranges.map((r) => [r.partition, r.start, r.end, counts.perPartition[r.partition] ?? 0]),
            ),
            `${counts.selected} record(s) to copy; ${counts.refused} refused (replayed ${selection.maxReplays} time(s) already)`,
            "dry run: nothing copied (add --execute)",
          ].join("\n") + "\n",
        );
      }
      return 0;
    }
    checkpoint = {
      replayId: randomUUID(),
      operator: ctx.config.operator,
      startedAt: new Date().toISOString(),
      selection,
      next: {},
      copied: 0,
      refused: 0,
      lastOffsets: {},
      status: "running",
    };
  }

  const file = await saveCheckpoint(ctx.config.stateDir, checkpoint);
  ctx.io.stderr.write(
    `replay ${checkpoint.replayId}: checkpoint ${file} (after a crash: --resume ${checkpoint.replayId})\n`,
  );
  const done = await audited(
    ctx.audit,
    { actionId: checkpoint.replayId, command: "replay republish", plan: checkpoint.selection, phase },
    () => copy(ctx, checkpoint),
    (c) => ({ copied: c.copied, refused: c.refused }),
  );
  report(ctx, done, true);
  return done.refused > 0 ? EXIT.refused : 0;
}

function report(ctx: OpsContext, checkpoint: ReplayCheckpoint, executed: boolean, note?: string) {
  const { replayId, selection, copied, refused, lastOffsets, status } = checkpoint;
  if (ctx.json) {
    printJson(ctx.io, { executed, replayId, status, selection, copied, refused, lastOffsets, ...(note && { note }) });
    return;
  }
  const lines = [
    `replay ${replayId} ${status}: ${copied} record(s) copied from ${selection.fromTopic} to ${selection.toTopic}`,
  ];
  if (refused > 0) {
    lines.push(`${refused} record(s) refused: already replayed ${selection.maxReplays} time(s) (--max-replays)`);
  }
  if (note) lines.push(note);
  ctx.io.stdout.write(`${lines.join("\n")}\n`);
}
