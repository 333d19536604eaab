import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { readInfraEnv } from "./contracts/src/testing/infra-env.js";

// The servers' addresses come from the script that runs them, so tests and `make dev` agree;
// anything already set in the environment (e.g. CI pointing elsewhere) wins.
const infraEnv = Object.fromEntries(Object.entries(readInfraEnv()).filter(([key]) => process.env[key] === undefined));

const packages = ["contracts", "customer-service", "file-service", "notification-service", "kong", "infra"];

export default defineConfig({
  resolve: {
    // Tests run the contracts' sources, so a change there needs no build before `vitest`: each
    // entry point (package.json "exports") to its index.
    alias: [
      { find: /^@coffer\/contracts$/, replacement: fileURLToPath(new URL("contracts/src/index.ts", import.meta.url)) },
      {
        find: /^@coffer\/contracts\/(config|http|metrics|pg|testing)$/,
        replacement: `${fileURLToPath(new URL("contracts/src/", import.meta.url))}$1/index.ts`,
      },
    ],
  },
  test: {
    env: { MIGRATE_ON_START: "true", ...infraEnv },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      ...packages.map((name) => ({
        extends: true as const,
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
