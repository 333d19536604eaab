// What every benchmark hands back: rows for the one table, and the raw figures for the JSON.

export type Target = { kind: "ratio-at-least"; value: number } | { kind: "at-most"; value: number; unit: string };

export type Row = {
  what: string;
  baseline: string;
  /** subject ÷ baseline, one per interleaved pair of runs; empty when the row has no baseline. */
  ratios: number[];
  target?: Target;
  /** The figure the target is about when it is not the ratio (e.g. p99 ms, MiB of RSS growth). */
  measured?: number;
  /** Absolute figures, for context only: they move with whatever else the machine does. */
  context: string;
};

export type BenchResult = { rows: Row[]; raw: Record<string, unknown> };

export const MiB = 2 ** 20;

export const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
export const median = (xs: readonly number[]) => {
  const s = sorted(xs);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
export const percentile = (xs: readonly number[], q: number) => {
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};
export const round = (x: number, digits = 2) => Number(x.toFixed(digits));

export function isMet(row: Row): boolean | undefined {
  if (!row.target) return undefined;
  if (row.target.kind === "ratio-at-least") return row.ratios.length > 0 && median(row.ratios) >= row.target.value;
  return row.measured !== undefined && row.measured < row.target.value;
}

export function describeTarget(target: Target | undefined): string {
  if (!target) return "—";
  return target.kind === "ratio-at-least" ? `≥ ${target.value.toFixed(2)}` : `< ${target.value} ${target.unit}`;
}

/** The rows as a Markdown table: what the terminal shows and what the README keeps. */
export function formatTable(rows: readonly Row[]): string {
  const header = ["what", "baseline (same run)", "ratio (median)", "min–max", "runs", "target", "met", "figures"];
  const lines = rows.map((row) => {
    const met = isMet(row);
    return [
      row.what,
      row.baseline,
      row.ratios.length > 0 ? median(row.ratios).toFixed(2) : "—",
      row.ratios.length > 0 ? `${Math.min(...row.ratios).toFixed(2)}–${Math.max(...row.ratios).toFixed(2)}` : "—",
      String(row.ratios.length || "—"),
      describeTarget(row.target),
      met === undefined ? "—" : met ? "met" : "MISSED",
      row.context,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [format(header), format(widths.map((w) => "-".repeat(w))), ...lines.map(format)].join("\n");
}
