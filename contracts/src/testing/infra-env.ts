import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const INFRA = fileURLToPath(new URL("../../../infra/bin/infra", import.meta.url));

/**
 * `infra/bin/infra env`: the local servers' addresses (PG_ADMIN_URL, KAFKA_BROKERS, …, from the
 * script that runs them, so tests and `make dev` agree). Imports nothing else: vitest's config reads it.
 */
export function readInfraEnv(): Record<string, string> {
  return Object.fromEntries(
    execFileSync(INFRA, ["env"], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}
