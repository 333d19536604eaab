import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The servers' addresses come from the script that runs them, so tests and `make dev` agree;
// anything already set in the environment (e.g. CI pointing elsewhere) wins.
const infraEnv = Object.fromEntries(
  execFileSync("infra/bin/infra", ["env"], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)] as const)
    .filter(([key]) => process.env[key] === undefined),
);

const packages = ["contracts", "customer-service", "file-service", "notification-service", "kong", "infra"];

export default defineConfig({
  resolve: {
    // Tests run the contracts' sources, so a change there needs no build before `vitest`.
    alias: { "@coffer/contracts": fileURLToPath(new URL("contracts/src/index.ts", import.meta.url)) },
  },
  test: {
    env: infraEnv,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      ...packages.map((name) => ({
        extends: true,
        test: { name, root: name, include: ["test/**/*.test.ts"] },
      })),
      {
        extends: true,
        test: {
          // The whole platform through the gateway, started once for the project (`make e2e`).
          name: "e2e",
          root: "e2e",
          include: ["test/**/*.test.ts"],
          globalSetup: ["test/global-setup.ts"],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
