#!/usr/bin/env node
// The compiled CLI (`make build` or `npm run build -w @coffer/infra`).
import { existsSync } from "node:fs";

const main = new URL("../dist/main.js", import.meta.url);
if (!existsSync(main)) {
  process.stderr.write("coffer-ops: not built yet; run `make build` (or `npm run build -w @coffer/infra`)\n");
  process.exit(1);
}
await import(main.href);
