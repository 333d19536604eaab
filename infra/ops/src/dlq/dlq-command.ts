import { randomUUID } from "node:crypto";
import { DLQ_HEADERS, dlqTopicOf, headersOf } from "@coffer/contracts";
import type { Message } from "kafkajs";
import { audited } from "../audit/audit-log.js";
import type { OpsContext } from "../context.js";
import { EXIT, notFound, usageError } from "../errors.js";
import { assertTopicExists, partitionOffsets } from "../kafka/cluster.js";
import { createCopyProducer } from "../kafka/copy-producer.js";
import { readRecords, type KafkaRecord } from "../kafka/read-records.js";
import { formatTable, printJson } from "../output.js";
import { formatRecordView, maskEmails, type RecordView } from "../records/record-view.js";
import { replayCountOf, replayHeaders } from "../replay/replay-headers.js";
import { isSelected, type OffsetSelection } from "../specs.js";
import { advance, isPending, readCursor, writeCursor, type PartitionCursor } from "./dlq-cursor.js";

/** A dead-lettered record as the runner described it in its headers. */
export type DeadLetter = {
  dlqTopic: string;
  partition: number;
  offset: string;
  timestamp: string;
  originalTopic: string | null;
  originalPartition: number | null;
  originalOffset: string | null;
  consumerGroup: string | null;
  errorClass: string;
  errorMessage: string;
  attempts: number | null;
};

type Pending = { letter: DeadLetter; record: KafkaRecord };

export type DlqOptions = { group: string; showPii?: boolean };
export type DlqSelection = { offsets?: OffsetSelection; errorClass?: string };

/** `file.uploaded.v1` and `file.uploaded.v1.dlq` name the same DLQ. */
const dlqTopicFor = (topic: string) => (topic.endsWith(".dlq") ? topic : dlqTopicOf(topic));

function letterOf(record: KafkaRecord, showPii: boolean): DeadLetter {
  const h = headersOf({ headers: record.headers });
  const number = (value: string | undefined) => (value === undefined || value === "" ? null : Number(value));
  const message = h[DLQ_HEADERS.errorMessage] ?? "";
  return {
    dlqTopic: record.topic,
    partition: record.partition,
    offset: record.offset.toString(),
    timestamp: new Date(record.timestamp).toISOString(),
    originalTopic: h[DLQ_HEADERS.originalTopic] ?? null,
    originalPartition: number(h[DLQ_HEADERS.originalPartition]),
    originalOffset: h[DLQ_HEADERS.originalOffset] ?? null,
    consumerGroup: h[DLQ_HEADERS.consumerGroup] ?? null,
    errorClass: h[DLQ_HEADERS.errorClass] ?? "unknown",
    errorMessage: showPii ? message : maskEmails(message),
    attempts: number(h[DLQ_HEADERS.attempts]),
  };
}

async function readPending(
  ctx: OpsContext,
  topic: string,
  options: DlqOptions,
): Promise<{ dlqTopic: string; cursors: PartitionCursor[]; pending: Pending[] }> {
  const dlqTopic = dlqTopicFor(topic);
  const admin = await ctx.admin();
  await assertTopicExists(admin, dlqTopic);
  const cursors = await readCursor(admin, options.group, dlqTopic);
  const pending: Pending[] = [];
  await readRecords(
    ctx.kafka,
    dlqTopic,
    cursors.map((c) => ({ partition: c.partition, start: c.offset, end: c.high })),
    {
      visit: (record) => {
        const cursor = cursors.find((c) => c.partition === record.partition)!;
        if (isPending(cursor, record.offset)) {
          pending.push({ letter: letterOf(record, options.showPii ?? false), record });
        }
        return "next";
      },
    },
  );
  return { dlqTopic, cursors, pending };
}

function select(pending: readonly Pending[], selection: DlqSelection): Pending[] {
  return pending.filter(
    ({ record, letter }) =>
      (!selection.offsets || isSelected(selection.offsets, record.partition, record.offset)) &&
      (selection.errorClass === undefined || letter.errorClass === selection.errorClass),
  );
}

/** Moves the cursors over the records an action dealt with. */
async function markDealtWith(
  ctx: OpsContext,
  group: string,
  dlqTopic: string,
  cursors: PartitionCursor[],
  done: Pending[],
) {
  const moved = cursors.map((c) =>
    advance(
      c,
      done.filter((d) => d.record.partition === c.partition).map((d) => d.record.offset),
    ),
  );
  await writeCursor(ctx.kafka, await ctx.admin(), group, dlqTopic, moved);
}

const coordinates = (p: Pending) => `${p.record.partition}:${p.record.offset}`;

export async function dlqListCommand(ctx: OpsContext, topic: string, options: DlqOptions): Promise<number> {
  const { dlqTopic, pending } = await readPending(ctx, topic, options);
  const view = ctx.viewer({ showPii: options.showPii ?? false });
  const classes = new Map<string, Pending[]>();
  for (const p of pending) classes.set(p.letter.errorClass, [...(classes.get(p.letter.errorClass) ?? []), p]);
  const groups: {
    errorClass: string;
    count: number;
    offsets: string[];
    newest: DeadLetter & { record: RecordView };
  }[] = [];
  for (const [errorClass, records] of classes) {
    const newest = records.reduce((a, b) => (b.record.timestamp >= a.record.timestamp ? b : a));
    groups.push({
      errorClass,
      count: records.length,
      offsets: records.map(coordinates),
      newest: { ...newest.letter, record: await view(newest.record) },
    });
  }
  groups.sort((a, b) => b.count - a.count || a.errorClass.localeCompare(b.errorClass));

  if (ctx.json) {
    printJson(ctx.io, { dlqTopic, group: options.group, pending: pending.length, classes: groups });
    return 0;
  }
  const lines = [`${dlqTopic}: ${pending.length} record(s) to deal with (DLQ group ${options.group})`];
  if (groups.length > 0) {
    lines.push(
      formatTable(
        ["ERROR CLASS", "COUNT", "NEWEST", "MESSAGE"],
        groups.map((g) => [g.errorClass, g.count, g.newest.timestamp, g.newest.errorMessage.slice(0, 100)]),
      ),
    );
  }
  for (const g of groups) {
    const n = g.newest;
    lines.push(
      "",
      `${g.errorClass}: ${g.count} record(s) at ${g.offsets.slice(0, 20).join(",")}${g.offsets.length > 20 ? ",…" : ""}`,
      `  newest: from ${n.originalTopic}/${n.originalPartition}@${n.originalOffset}, group ${n.consumerGroup}, ${n.attempts} attempt(s)`,
      `  error: ${n.errorMessage}`,
      formatRecordView(n.record)
        .split("\n")
        .map((l) => `  ${l}`)
        .join("\n"),
    );
  }
  ctx.io.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}

/**
 * Sends dead-lettered records back to the topic named in their headers, as they are (the
 * same bytes and key, their own headers without the dlq-* ones, stamped like a replay), into
 * their original partition; then moves the DLQ group past them. Dry run unless --execute.
 */
export async function dlqRedriveCommand(
  ctx: OpsContext,
  topic: string,
  options: DlqOptions & DlqSelection & { execute: boolean; maxReplays: number },
): Promise<number> {
  const { dlqTopic, cursors, pending } = await readPending(ctx, topic, options);
  const selected = select(pending, options);
  if (options.offsets && selected.length === 0) throw notFound(`no pending record of ${dlqTopic} at those offsets`);
  const admin = await ctx.admin();
  const partitionsOf = new Map<string, number>();
  for (const target of new Set(selected.flatMap((p) => p.letter.originalTopic ?? []))) {
    await assertTopicExists(admin, target);
    partitionsOf.set(target, (await partitionOffsets(admin, target)).length);
  }
  const orphans = selected.filter((p) => !p.letter.originalTopic);
  const limited = selected.filter(
    (p) => p.letter.originalTopic && replayCountOf(p.record.headers) >= options.maxReplays,
  );
  const redrive = selected.filter((p) => !orphans.includes(p) && !limited.includes(p));
  const plan = {
    dlqTopic,
    group: options.group,
    redrive: redrive.map((p) => ({
      from: coordinates(p),
      to: `${p.letter.originalTopic}/${p.letter.originalPartition}`,
      errorClass: p.letter.errorClass,
    })),
    refused: limited.map(coordinates),
    withoutOriginalTopic: orphans.map(coordinates),
  };

  let actionId: string | undefined;
  if (options.execute && redrive.length > 0) {
    const redriveId = randomUUID();
    actionId = redriveId;
    await audited(ctx.audit, { actionId: redriveId, command: "dlq redrive", plan }, async () => {
      const producer = createCopyProducer(ctx.kafka);
      const replayedAt = new Date().toISOString();
      try {
        for (const p of redrive) {
          const target = p.letter.originalTopic!;
          const partition = p.letter.originalPartition;
          const message: Message = {
            key: p.record.key,
            value: p.record.value,
            headers: replayHeaders(p.record.headers, { replayId: redriveId, replayedAt, resend: false }),
            // Its own partition, behind the customer's other events, when the topic still has it.
            ...(partition !== null && partition < partitionsOf.get(target)! && { partition }),
          };
          await producer.send(target, [message]);
        }
      } finally {
        await producer.close();
      }
      await markDealtWith(ctx, options.group, dlqTopic, cursors, redrive);
      return { redriven: redrive.length };
    });
  }

  if (ctx.json) printJson(ctx.io, { executed: actionId !== undefined, ...(actionId && { actionId }), ...plan });
  else {
    const lines = [`redrive from ${dlqTopic}:`];
    if (redrive.length > 0) {
      lines.push(
        formatTable(
          ["DLQ RECORD", "BACK TO", "ERROR CLASS"],
          plan.redrive.map((r) => [r.from, r.to, r.errorClass]),
        ),
      );
    }
    if (limited.length > 0)
      lines.push(`refused (replayed ${options.maxReplays} time(s) already): ${plan.refused.join(",")}`);
    if (orphans.length > 0)
      lines.push(`no dlq-original-topic header, left in place: ${plan.withoutOriginalTopic.join(",")}`);
    lines.push(
      actionId
        ? `${redrive.length} record(s) redriven; audit action ${actionId}`
        : redrive.length === 0
          ? "nothing to redrive"
          : "dry run: nothing sent (add --execute)",
    );
    ctx.io.stdout.write(`${lines.join("\n")}\n`);
  }
  return limited.length > 0 ? EXIT.refused : 0;
}

/** Moves the DLQ group past records an operator has decided to drop, with the reason on record. */
export async function dlqParkCommand(
  ctx: OpsContext,
  topic: string,
  options: DlqOptions & DlqSelection & { all: boolean; reason?: string; execute: boolean },
): Promise<number> {
  if (!options.reason?.trim()) throw usageError("--reason is required: say why these records are dropped");
  if (!options.offsets && options.errorClass === undefined && !options.all) {
    throw usageError("choose what to park: --offsets, --error-class or --all");
  }
  const { dlqTopic, cursors, pending } = await readPending(ctx, topic, options);
  const parked = options.all ? pending : select(pending, options);
  if (options.offsets && parked.length === 0) throw notFound(`no pending record of ${dlqTopic} at those offsets`);
  const plan = {
    dlqTopic,
    group: options.group,
    reason: options.reason,
    park: parked.map((p) => ({ at: coordinates(p), ...p.letter })),
  };
  let actionId: string | undefined;
  if (options.execute && parked.length > 0) {
    actionId = randomUUID();
    await audited(ctx.audit, { actionId, command: "dlq park", plan }, async () => {
      await markDealtWith(ctx, options.group, dlqTopic, cursors, parked);
      return { parked: parked.length };
    });
  }
  if (ctx.json) printJson(ctx.io, { executed: actionId !== undefined, ...(actionId && { actionId }), ...plan });
  else {
    const lines = [`park in ${dlqTopic} (${options.reason}):`];
    if (parked.length > 0) {
      lines.push(
        formatTable(
          ["DLQ RECORD", "ERROR CLASS", "ORIGINAL"],
          plan.park.map((p) => [p.at, p.errorClass, `${p.originalTopic}/${p.originalPartition}@${p.originalOffset}`]),
        ),
      );
    }
    lines.push(
      actionId
        ? `${parked.length} record(s) parked; audit action ${actionId}`
        : parked.length === 0
          ? "nothing to park"
          : "dry run: nothing changed (add --execute)",
    );
    ctx.io.stdout.write(`${lines.join("\n")}\n`);
  }
  return 0;
}
