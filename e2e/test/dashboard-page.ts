import { readFileSync } from "node:fs";
import type { Prometheus, PrometheusRange } from "@coffer/contracts/testing";

// Grafana is not run here (AGPL, not packaged): a Grafana dashboard's panels drawn as SVG from the
// same queries over Prometheus's query_range, for the README's picture of it.

type Panel = {
  type: string;
  title: string;
  fieldConfig?: { defaults?: { unit?: string } };
  gridPos: { w: number; h: number; x: number; y: number };
  targets?: { expr: string; legendFormat?: string }[];
};

const COLUMN = 56;
const ROW = 34;
const LEGEND_MAX = 9;
const COLORS = ["#73bf69", "#f2cc0c", "#8ab8ff", "#ff780a", "#f2495c", "#5794f2", "#b877d9", "#fade2a", "#37872d"];

const escape = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

function format(value: number, unit: string): string {
  const short = (n: number) => (Math.abs(n) >= 100 || Number.isInteger(n) ? n.toFixed(0) : n.toPrecision(2));
  if (unit === "percentunit") return `${short(value * 100)}%`;
  if (unit === "bytes") {
    const powers = ["B", "KiB", "MiB", "GiB"];
    let i = 0;
    while (Math.abs(value) >= 1024 && i < powers.length - 1) {
      value /= 1024;
      i++;
    }
    return `${short(value)} ${powers[i]}`;
  }
  if (unit === "s") return value !== 0 && value < 1 ? `${short(value * 1000)} ms` : `${short(value)} s`;
  const suffix = unit === "reqps" ? " req/s" : unit === "ops" ? "/s" : "";
  return `${short(value)}${suffix}`;
}

function legendOf(series: PrometheusRange, legendFormat: string): string {
  const text = legendFormat.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => series.metric[name] ?? "");
  return text || Object.values(series.metric).join(" ") || "0";
}

function chart(panel: Panel, series: { name: string; points: [number, number][] }[], from: number, to: number) {
  const width = panel.gridPos.w * COLUMN - 12;
  const height = panel.gridPos.h * ROW - 12;
  const unit = panel.fieldConfig?.defaults?.unit ?? "short";
  const plot = {
    left: 64,
    top: 30,
    right: width - 12,
    bottom: height - 22 - 16 * Math.ceil(Math.min(series.length, LEGEND_MAX) / 3),
  };
  const values = series.flatMap((s) => s.points.map(([, v]) => v)).filter(Number.isFinite);
  const top = Math.max(...values, unit === "bool" ? 1 : 0) * 1.1 || 1;
  const x = (t: number) => plot.left + ((t - from) / (to - from)) * (plot.right - plot.left);
  const y = (v: number) => plot.bottom - (v / top) * (plot.bottom - plot.top);
  const grid = [0, 0.25, 0.5, 0.75, 1].map(
    (f) =>
      `<line x1="${plot.left}" x2="${plot.right}" y1="${y(top * f)}" y2="${y(top * f)}" class="grid"/>` +
      `<text x="${plot.left - 6}" y="${y(top * f) + 4}" class="axis" text-anchor="end">${escape(format(top * f, unit))}</text>`,
  );
  const anchors = ["start", "middle", "end"];
  const times = [0, 0.5, 1].map((f, i) => {
    const t = from + f * (to - from);
    const label = new Date(t * 1000).toISOString().slice(11, 19);
    return `<text x="${x(t)}" y="${plot.bottom + 14}" class="axis" text-anchor="${anchors[i]}">${label}</text>`;
  });
  const lines = series.map((s, i) => {
    const points = s.points.filter(([, v]) => Number.isFinite(v));
    const color = COLORS[i % COLORS.length];
    if (points.length === 1) return `<circle cx="${x(points[0]![0])}" cy="${y(points[0]![1])}" r="2" fill="${color}"/>`;
    const d = points.map(([t, v], j) => `${j === 0 ? "M" : "L"}${x(t).toFixed(1)},${y(v).toFixed(1)}`).join("");
    return `<path d="${d}" stroke="${color}" class="series"/>`;
  });
  const legend = series.slice(0, LEGEND_MAX).map((s, i) => {
    const lx = plot.left + (i % 3) * ((plot.right - plot.left) / 3);
    const ly = plot.bottom + 30 + Math.floor(i / 3) * 16;
    return (
      `<rect x="${lx}" y="${ly - 8}" width="10" height="3" fill="${COLORS[i % COLORS.length]}"/>` +
      `<text x="${lx + 14}" y="${ly - 3}" class="legend">${escape(i === LEGEND_MAX - 1 && series.length > LEGEND_MAX ? `… ${series.length - i} more` : s.name.slice(0, 40))}</text>`
    );
  });
  return (
    `<svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<text x="10" y="19" class="title">${escape(panel.title)}</text>${grid.join("")}${times.join("")}` +
    `${lines.join("")}${legend.join("")}</svg>`
  );
}

/** The dashboard at `file` as an HTML page: each panel's queries over [from, to], drawn in place. */
export async function renderDashboardPage(
  file: string,
  prometheus: Pick<Prometheus, "queryRange">,
  { from, to, step, rateInterval }: { from: number; to: number; step: number; rateInterval: string },
): Promise<string> {
  const dashboard = JSON.parse(readFileSync(file, "utf8")) as { title: string; panels: Panel[] };
  const drawn: { panel: Panel; series: { name: string; points: [number, number][] }[] }[] = [];
  for (const panel of dashboard.panels) {
    const series: { name: string; points: [number, number][] }[] = [];
    drawn.push({ panel, series });
    for (const target of panel.targets ?? []) {
      const expr = target.expr.replaceAll("$__rate_interval", rateInterval);
      for (const result of await prometheus.queryRange(expr, { start: from, end: to, step })) {
        series.push({
          name: legendOf(result, target.legendFormat ?? ""),
          points: result.values.map(([t, v]) => [t, Number(v)]),
        });
      }
    }
  }
  const cells = drawn.map(({ panel, series }) => {
    const { x, y, w, h } = panel.gridPos;
    const place = `left:${x * COLUMN}px;top:${y * ROW + 48}px;width:${w * COLUMN - 12}px;height:${h * ROW - 12}px`;
    return panel.type === "row"
      ? `<h2 style="${place}">${escape(panel.title)}</h2>`
      : `<div class="panel" style="${place}">${chart(panel, series, from, to)}</div>`;
  });
  const bottom = Math.max(...dashboard.panels.map((p) => (p.gridPos.y + p.gridPos.h) * ROW)) + 60;
  return `<!doctype html><html><head><meta charset="utf-8"><style>
    body { margin: 0; background: #111217; color: #ccccdc; font: 13px "Liberation Sans", sans-serif; }
    main { position: relative; width: ${24 * COLUMN}px; height: ${bottom}px; margin: 12px; }
    h1 { font-size: 18px; margin: 0; position: absolute; top: 8px; }
    h2 { position: absolute; font-size: 14px; margin: 0; padding-top: 10px; }
    .panel { position: absolute; background: #181b1f; border: 1px solid #2c3235; border-radius: 2px; }
    .title { fill: #ccccdc; font-size: 13px; font-weight: bold; }
    .axis, .legend { fill: #9fa7b3; font-size: 10px; }
    .grid { stroke: #2c3235; }
    .series { fill: none; stroke-width: 1.6; }
  </style></head><body><main><h1>${escape(dashboard.title)}</h1>${cells.join("")}</main></body></html>`;
}
