/** Where a command writes: the process's streams, or a test's buffers. */
export type Io = {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** Ends a `--follow` (SIGINT in the process). */
  signal?: AbortSignal;
};

/** JSON for scripts: bigints as strings, Buffers as base64. */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_, v: unknown) => {
      if (typeof v === "bigint") return v.toString();
      if (v && typeof v === "object" && (v as { type?: unknown }).type === "Buffer" && "data" in v) {
        return Buffer.from((v as { data: number[] }).data).toString("base64");
      }
      return v;
    },
    indent,
  );
}

export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${toJson(value, 2)}\n`);
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = [header, ...rows.map((row) => row.map((c) => (c === null || c === undefined ? "-" : String(c))))];
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^-?\d+$/.test(String(r[i] ?? "-"))));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function formatDuration(ms: number): string {
  if (ms < 0) return "forever";
  const units: [number, string][] = [
    [86_400_000, "d"],
    [3_600_000, "h"],
    [60_000, "min"],
    [1000, "s"],
  ];
  for (const [size, unit] of units) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
