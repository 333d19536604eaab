#!/usr/bin/env node
// Writes a Brotli (.br) and a gzip (.gz) copy beside each text file of the built bundle, once, at
// build time, at the highest levels; serve.mjs sends them to clients that accept them, so no
// request pays for compressing.
//
//   node web/server/precompress.mjs [dist]      (default: web/dist)
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const COMPRESSIBLE = /\.(html|js|mjs|css|svg|json|txt|webmanifest|map)$/;
/** Below this, the headers cost more than compression saves. */
const MIN_BYTES = 1024;

const dist = process.argv[2] ?? new URL("../dist", import.meta.url).pathname;
let count = 0;
for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !COMPRESSIBLE.test(entry.name)) continue;
  const path = join(entry.parentPath, entry.name);
  const content = readFileSync(path);
  if (content.length < MIN_BYTES) continue;
  writeFileSync(`${path}.gz`, gzipSync(content, { level: 9 }));
  writeFileSync(
    `${path}.br`,
    brotliCompressSync(content, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length },
    }),
  );
  count += 1;
}
console.error(`precompress: ${count} files of ${dist} written as .br and .gz`);
