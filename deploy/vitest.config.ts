import { defineConfig } from "vitest/config";
import root from "../vitest.config.js";

// The chart's checks (`make chart-check`): helm renders, no server is needed.
export default defineConfig({
  resolve: root.resolve,
  test: {
    name: "chart",
    root: "deploy",
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
