import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";

/** In name order (1-…, 2-…): the registry drill runs last, whatever vitest's timing cache says. */
class ByName extends BaseSequencer {
  override async sort(files: TestSpecification[]) {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  }
}

// The fault drills (`make drills`): they stop and kill the servers, so they never run beside the
// other tests, and are not a project of vitest.config.ts. One file at a time, in name order.
const infraEnv = Object.fromEntries(
  execFileSync("infra/bin/infra", ["env"], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)] as const)
    .filter(([key]) => process.env[key] === undefined),
);

export default defineConfig({
  resolve: {
    alias: { "@coffer/contracts": fileURLToPath(new URL("contracts/src/index.ts", import.meta.url)) },
  },
  test: {
    name: "drills",
    root: "drills",
    include: ["**/*.drill.test.ts"],
    env: infraEnv,
    fileParallelism: false,
    sequence: { concurrent: false, sequencer: ByName },
    testTimeout: 300_000,
    hookTimeout: 180_000,
  },
});
