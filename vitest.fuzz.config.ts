import { defineConfig } from "vitest/config";
import root from "./vitest.config.js";

/**
 * `make fuzz`: schemathesis and the hand-written bad input, against a platform of its own started
 * by e2e's global setup. Not one of the root config's projects, so `make test` never runs it.
 */
export default defineConfig({
  resolve: root.resolve,
  test: {
    env: root.test?.env,
    include: ["fuzz/**/*.test.ts"],
    globalSetup: ["e2e/test/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
