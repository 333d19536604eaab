#!/usr/bin/env node
// The web app's first load, gzip-compressed: index.html and every script and style sheet it makes
// the browser fetch before the first screen (its <script src>, <link rel=modulepreload|stylesheet>,
// and what those scripts import statically; routes loaded later with import() are not counted).
// Fails above the budget, so the bundle stays lean (`make lint`).
//
//   node infra/bin/bundle-budget.mjs [dist]      (default: web/dist, built first)
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/** The first load measured when the budget was set (113.7 KiB, November 2026), plus 20 %. */
const BUDGET_GZIP_BYTES = 136 * 1024;
/** Vite's `base`: where the bundle's own URLs start. */
const BASE = "/app/";

const dist = process.argv[2] ?? new URL("../../web/dist", import.meta.url).pathname;
if (!existsSync(join(dist, "index.html"))) {
  console.error(
    `bundle-budget: ${join(dist, "index.html")} is missing: build the web app first (npm run build -w web)`,
  );
  process.exit(2);
}

const gzipSize = (content) => gzipSync(content, { level: 9 }).length;

/** The bundle's file behind one of its URLs, or undefined for an address outside it. */
function fileOf(url) {
  if (!url.startsWith(BASE)) return undefined;
  return url.slice(BASE.length).split(/[?#]/)[0];
}

const index = readFileSync(join(dist, "index.html"), "utf8");
const tags = [
  ...index.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g),
  ...index.matchAll(/<link\b(?=[^>]*\brel="(?:modulepreload|stylesheet)")[^>]*\bhref="([^"]+)"/g),
].map(([, url]) => url);
const outside = tags.filter((url) => fileOf(url) === undefined);
if (outside.length > 0) {
  console.error(`bundle-budget: index.html loads from outside the bundle: ${outside.join(", ")}`);
  process.exit(1);
}

// Scripts pull in their static imports (`import … from"./chunk.js"`, `import"./chunk.js"`) at once.
const files = new Set();
const pending = tags.map(fileOf);
while (pending.length > 0) {
  const file = pending.pop();
  if (files.has(file)) continue;
  files.add(file);
  if (!file.endsWith(".js")) continue;
  const source = readFileSync(join(dist, file), "utf8");
  const directory = file.slice(0, file.lastIndexOf("/") + 1);
  for (const [, specifier] of source.matchAll(/(?:\bfrom|\bimport)\s*"(\.{1,2}\/[^"]+\.js)"/g))
    pending.push(new URL(specifier, `file:///${directory}`).pathname.slice(1));
}

const rows = [["index.html", index]]
  .concat([...files].sort().map((file) => [file, readFileSync(join(dist, file))]))
  .map(([name, content]) => ({ name, bytes: Buffer.byteLength(content), gzip: gzipSize(content) }));
const total = rows.reduce((sum, row) => sum + row.gzip, 0);
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
for (const row of rows)
  console.log(`  ${row.name.padEnd(48)} ${kib(row.bytes).padStart(10)} ${kib(row.gzip).padStart(10)} gzip`);
console.log(`first load: ${kib(total)} gzip (budget ${kib(BUDGET_GZIP_BYTES)})`);
if (total > BUDGET_GZIP_BYTES) {
  console.error(`bundle-budget: the first load is ${kib(total - BUDGET_GZIP_BYTES)} over the budget`);
  process.exit(1);
}
