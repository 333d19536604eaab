import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const script = new URL("../bin/bundle-budget.mjs", import.meta.url).pathname;

/** A bundle shaped as Vite builds it, whose vendor chunk gzips to about `vendorKiB`. */
function bundle(vendorKiB: number, index?: string): string {
  const dist = mkdtempSync(join(tmpdir(), "bundle-budget-"));
  mkdirSync(join(dist, "assets"));
  writeFileSync(
    join(dist, "index.html"),
    index ??
      `<!doctype html><html><head>
<link rel="icon" href="/app/favicon.svg" />
<script type="module" crossorigin src="/app/assets/index-a1.js"></script>
<link rel="modulepreload" crossorigin href="/app/assets/react-b2.js">
<link rel="stylesheet" crossorigin href="/app/assets/index-c3.css">
</head></html>`,
  );
  writeFileSync(
    join(dist, "assets/index-a1.js"),
    'import{r as e}from"./react-b2.js";import"./polyfill-d4.js";const t=()=>import("./trash-e5.js");',
  );
  writeFileSync(join(dist, "assets/react-b2.js"), "export const r=1;");
  writeFileSync(join(dist, "assets/polyfill-d4.js"), randomBytes(vendorKiB * 1024).toString("base64"));
  writeFileSync(join(dist, "assets/index-c3.css"), "body{margin:0}");
  // Loaded later, by a route: not part of the first load however large.
  writeFileSync(join(dist, "assets/trash-e5.js"), randomBytes(400 * 1024).toString("base64"));
  return dist;
}

const run = (dist: string) => spawnSync(process.execPath, [script, dist], { encoding: "utf8" });

describe("infra/bin/bundle-budget.mjs", () => {
  it("when the first load is within the budget, then it lists what the first load fetches and passes", () => {
    const result = run(bundle(20));
    expect(result.status, result.stderr).toBe(0);
    const files = [...result.stdout.matchAll(/^ {2}(\S+)/gm)].map(([, name]) => name);
    // Static imports followed; the icon and the route loaded with import() left out.
    expect(files).toEqual([
      "index.html",
      "assets/index-a1.js",
      "assets/index-c3.css",
      "assets/polyfill-d4.js",
      "assets/react-b2.js",
    ]);
    expect(result.stdout).toMatch(/^first load: \d+\.\d KiB gzip \(budget \d+\.\d KiB\)$/m);
  });

  it("when the first load is over the budget, then it fails and says by how much", () => {
    const result = run(bundle(400));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/the first load is \d+\.\d KiB over the budget/);
  });

  it("when index.html loads from another origin or the bundle is not built, then it fails and says so", () => {
    const thirdParty = run(bundle(1, '<script src="https://cdn.example/react.js"></script>'));
    expect(thirdParty.status).toBe(1);
    expect(thirdParty.stderr).toContain("loads from outside the bundle: https://cdn.example/react.js");
    const missing = run(join(tmpdir(), "no-such-bundle"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("build the web app first");
  });
});
