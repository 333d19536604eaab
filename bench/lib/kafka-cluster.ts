// A 3-broker Kafka of the benchmark's own (infra's ha topology: RF 3, min.insync.replicas 2), in
// its own state directory and ports, so brokers can be killed without touching the shared servers.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const root = new URL("../../", import.meta.url).pathname;
const execFileAsync = promisify(execFile);

export const KAFKA_NODES = ["kafka-1", "kafka-2", "kafka-3"] as const;

export type KafkaCluster = {
  brokers: string[];
  infra(command: "up" | "down" | "kill", ...nodes: string[]): Promise<void>;
  stop(): Promise<void>;
};

/** Node n listens on `port + 2(n-1)`, its controller on the next port. */
export async function startKafkaCluster({
  port,
  stateDir,
}: {
  port: number;
  stateDir?: string;
}): Promise<KafkaCluster> {
  const env: NodeJS.ProcessEnv = {};
  // Only what a shell needs: the addresses `with-infra` exported describe the other servers.
  for (const key of ["PATH", "HOME", "USER", "LANG", "XDG_CACHE_HOME", "COFFER_CACHE_DIR", "JAVA_HOME"])
    if (process.env[key] !== undefined) env[key] = process.env[key];
  Object.assign(env, {
    COFFER_TOPOLOGY: "ha",
    COFFER_STATE_DIR: stateDir ?? join(root, ".state", "bench-kafka-clients"),
    COFFER_KAFKA_PORT: String(port),
    COFFER_KAFKA_CONTROLLER_PORT: String(port + 1),
    COFFER_START_TIMEOUT: "300",
  });
  const run = async (...args: string[]) =>
    (await execFileAsync(join(root, "infra/bin/infra"), args, { env, maxBuffer: 1 << 20 })).stdout;
  await run("up", ...KAFKA_NODES);
  const brokersLine = (await run("env")).split("\n").find((line) => line.startsWith("KAFKA_BROKERS="))!;
  return {
    brokers: brokersLine.slice("KAFKA_BROKERS=".length).split(","),
    infra: async (command, ...nodes) => void (await run(command, ...nodes)),
    stop: async () => void (await run("down", ...KAFKA_NODES)),
  };
}
