// The functions a .cpuprofile spent most time in (self time), and by script: a text summary.
//   node bench/lib/profile-top.mjs FILE [N]
import { readFileSync } from "node:fs";

const [file, n = "25"] = process.argv.slice(2);
const { nodes, samples, timeDeltas } = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(nodes.map((node) => [node.id, node]));
const self = new Map();
samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const sum = (keyOf) => {
  const out = new Map();
  for (const [id, us] of self) {
    const key = keyOf(byId.get(id).callFrame);
    out.set(key, (out.get(key) ?? 0) + us);
  }
  return [...out].sort((a, b) => b[1] - a[1]).slice(0, Number(n));
};
const show = (title, rows) => {
  console.log(`\n${title} (of ${(total / 1e6).toFixed(1)} s sampled)`);
  for (const [key, us] of rows) console.log(`${((100 * us) / total).toFixed(1).padStart(5)} %  ${key}`);
};
show(
  "self time by function",
  sum((f) => `${f.functionName || "(anonymous)"} ${f.url.split("/node_modules/").at(-1)}:${f.lineNumber}`),
);
show(
  "self time by package",
  sum((f) => f.url.match(/node_modules\/((@[^/]+\/)?[^/]+)/)?.[1] ?? (f.url || f.functionName)),
);
