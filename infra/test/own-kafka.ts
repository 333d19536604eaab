import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const INFRA = fileURLToPath(new URL("../bin/infra", import.meta.url));
const execFileAsync = promisify(execFile);

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Six free ports in a row: `infra` gives node n base + 2(n-1) for clients and the next for its controller. */
async function freeBase(): Promise<number> {
  for (;;) {
    const base = 20_000 + 2 * Math.floor(Math.random() * 20_000);
    if ((await Promise.all([0, 1, 2, 3, 4, 5].map((offset) => isFree(base + offset)))).every(Boolean)) return base;
  }
}

export type OwnKafka = {
  /** `infra <args>` on this cluster. */
  infra(...args: string[]): Promise<string>;
  /** Its lines of `infra env` (KAFKA_BROKERS, and KAFKA_SASL_* with SASL). */
  env: Record<string, string>;
  stop(): Promise<void>;
};

/**
 * A Kafka of the test's own, started by `infra up` in a state directory and on ports of its own,
 * as `make dev` and the drills start theirs: `settings` are COFFER_* variables (COFFER_TOPOLOGY, …).
 */
export async function startOwnKafka(settings: Record<string, string>): Promise<OwnKafka> {
  const stateDir = mkdtempSync(join(tmpdir(), "coffer-own-kafka-"));
  const base = await freeBase();
  const env = {
    ...process.env,
    ...settings,
    COFFER_STATE_DIR: stateDir,
    COFFER_KAFKA_PORT: String(base),
    COFFER_KAFKA_CONTROLLER_PORT: String(base + 1),
  };
  const infra = async (...args: string[]) => (await execFileAsync(INFRA, args, { env })).stdout;
  const nodes = settings.COFFER_TOPOLOGY === "ha" ? ["kafka-1", "kafka-2", "kafka-3"] : ["kafka"];
  const stop = async () => {
    await infra("down", ...nodes);
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    await infra("up", ...nodes);
  } catch (error) {
    await stop();
    throw error;
  }
  const infraEnv = Object.fromEntries(
    (await infra("env"))
      .split("\n")
      .filter((line) => line.startsWith("KAFKA_"))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  return { infra, env: infraEnv, stop };
}
