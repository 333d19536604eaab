/** What the process exit code tells a script; `--help` and the README list them. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  refused: 4,
  unavailable: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `Exit codes:
  0  done (a dry run included)
  1  failed
  2  usage: a bad option, time or offset format, or configuration
  3  not found: an unknown topic, group, DLQ record or replay id
  4  refused: the group has active members, or records hit the replay limit
  5  unavailable: Kafka or the schema registry cannot be reached`;

/** An error the operator should read as one line, with the exit code it stands for. */
export class OpsError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = "OpsError";
  }
}

export const usageError = (message: string) => new OpsError(EXIT.usage, message);
export const notFound = (message: string) => new OpsError(EXIT.notFound, message);
export const refused = (message: string) => new OpsError(EXIT.refused, message);
export const unavailable = (message: string, cause?: unknown) => new OpsError(EXIT.unavailable, message, { cause });

// kafkajs errors that mean the cluster could not be reached or did not answer in time.
const KAFKA_UNREACHABLE = new Set([
  "KafkaJSConnectionError",
  "KafkaJSConnectionClosedError",
  "KafkaJSRequestTimeoutError",
  "KafkaJSBrokerNotFound",
  "KafkaJSLockTimeout",
  "KafkaJSMetadataNotLoaded",
]);

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e && chain.length < 10;) {
    chain.push(e);
    const next = e as { cause?: unknown; originalError?: unknown };
    e = next.cause ?? next.originalError;
  }
  return chain;
}

/** Any error as the one line the operator reads and the exit code. */
export function describeFailure(error: unknown, brokers: readonly string[]): { exitCode: ExitCode; message: string } {
  if (error instanceof OpsError) return { exitCode: error.exitCode, message: error.message };
  const chain = causes(error);
  const unreachable = chain.find((e) => KAFKA_UNREACHABLE.has((e as Error)?.name));
  if (unreachable) {
    return {
      exitCode: EXIT.unavailable,
      message: `Kafka at ${brokers.join(",")} is unavailable: ${(unreachable as Error).message}`,
    };
  }
  const message = chain.map((e) => (e instanceof Error ? e.message : String(e))).find(Boolean) ?? "unknown error";
  return { exitCode: EXIT.failure, message: message.split("\n")[0]! };
}
