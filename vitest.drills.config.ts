import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";
import root from "./vitest.config.js";

/** In name order (1-…, 2-…): the registry drill runs last, whatever vitest's timing cache says. */
class ByName extends BaseSequencer {
  override async sort(files: TestSpecification[]) {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  }
}

// The fault drills (`make drills`): they stop and kill the servers, so they never run beside the
// other tests, and are not a project of vitest.config.ts. One file at a time, in name order.
export default defineConfig({
  resolve: root.resolve,
  test: {
    name: "drills",
    root: "drills",
    include: ["**/*.drill.test.ts"],
    env: root.test?.env,
    fileParallelism: false,
    sequence: { concurrent: false, sequencer: ByName },
    testTimeout: 300_000,
    hookTimeout: 180_000,
  },
});
