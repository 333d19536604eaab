import { usageError } from "./errors.js";

/** Where a read starts: `earliest`, `latest`, an ISO 8601 time or an offset. */
export type StartSpec =
  { kind: "earliest" } | { kind: "latest" } | { kind: "time"; ms: number } | { kind: "offset"; offset: bigint };

/** Where a reset moves a group: a start, or a shift from the committed offset. */
export type ResetTarget = StartSpec | { kind: "shift"; by: bigint };

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** An ISO 8601 date or time; without a zone it is UTC (never the operator's local time). */
export function parseTime(spec: string, option: string): number {
  const match = ISO_TIME.exec(spec);
  const ms = match ? Date.parse(spec.includes("T") && !match[1] ? `${spec}Z` : spec) : NaN;
  if (Number.isNaN(ms)) {
    throw usageError(`${option}: "${spec}" is not an ISO 8601 time (e.g. 2026-03-01T12:00:00Z)`);
  }
  return ms;
}

function parseOffset(text: string, option: string): bigint {
  if (!/^\d+$/.test(text)) throw usageError(`${option}: "${text}" is not an offset (a whole number ≥ 0)`);
  return BigInt(text);
}

export function parseStart(spec: string, option = "--from"): StartSpec {
  if (spec === "earliest" || spec === "latest") return { kind: spec };
  if (/^\d+$/.test(spec)) return { kind: "offset", offset: BigInt(spec) };
  if (/^\d{4}-/.test(spec)) return { kind: "time", ms: parseTime(spec, option) };
  throw usageError(`${option}: "${spec}" is not earliest, latest, an ISO 8601 time or an offset`);
}

export function parseResetTarget(spec: string): ResetTarget {
  if (spec === "earliest" || spec === "latest") return { kind: spec };
  if (spec.startsWith("offset:")) return { kind: "offset", offset: parseOffset(spec.slice(7), "--to offset:N") };
  if (spec.startsWith("shift:")) {
    const by = spec.slice(6);
    if (!/^[+-]?\d+$/.test(by)) throw usageError(`--to: "${spec}" is not shift:+N or shift:-N`);
    return { kind: "shift", by: BigInt(by) };
  }
  if (/^\d{4}-/.test(spec)) return { kind: "time", ms: parseTime(spec, "--to") };
  throw usageError(`--to: "${spec}" is not earliest, latest, an ISO 8601 time, offset:N or shift:±N`);
}

export function parsePartitions(spec: string): number[] {
  const partitions = spec.split(",").map((p) => p.trim());
  if (partitions.some((p) => !/^\d+$/.test(p))) throw usageError(`--partitions: "${spec}" is not a list like 0,1,2`);
  return [...new Set(partitions.map(Number))].sort((a, b) => a - b);
}

/** Offsets per partition, inclusive: `0:10-20` (a range), `1:5` (one record), `2:7-` (from 7 on). */
export type OffsetSelection = Map<number, { from: bigint; to: bigint | null }[]>;

export function parseOffsetSelection(spec: string): OffsetSelection {
  const selection: OffsetSelection = new Map();
  for (const item of spec.split(",").map((s) => s.trim())) {
    const match = /^(\d+):(\d+)(?:(-)(\d+)?)?$/.exec(item);
    if (!match) throw usageError(`--offsets: "${item}" is not partition:offset, partition:from-to or partition:from-`);
    const from = BigInt(match[2]!);
    const to = match[3] ? (match[4] !== undefined ? BigInt(match[4]) : null) : from;
    if (to !== null && to < from) throw usageError(`--offsets: "${item}" ends before it starts`);
    const partition = Number(match[1]);
    selection.set(partition, [...(selection.get(partition) ?? []), { from, to }]);
  }
  return selection;
}

export function isSelected(selection: OffsetSelection, partition: number, offset: bigint): boolean {
  return (selection.get(partition) ?? []).some(({ from, to }) => offset >= from && (to === null || offset <= to));
}

export function parsePositiveInt(spec: string, option: string): number {
  if (!/^\d+$/.test(spec) || Number(spec) < 1) throw usageError(`${option}: "${spec}" is not a whole number ≥ 1`);
  return Number(spec);
}

/** `--rate 50` or `--rate 50/s`: records per second. */
export function parseRate(spec: string): number {
  return parsePositiveInt(spec.replace(/\/s$/, ""), "--rate");
}
