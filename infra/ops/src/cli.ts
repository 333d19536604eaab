import { ConfigError } from "@coffer/contracts/config";
import { Command, CommanderError, Option } from "commander";
import { loadConfig } from "./config.js";
import { createOpsContext, type OpsContext } from "./context.js";
import { DEFAULT_DLQ_GROUP } from "./dlq/dlq-cursor.js";
import { dlqListCommand, dlqParkCommand, dlqRedriveCommand } from "./dlq/dlq-command.js";
import { EXIT, EXIT_CODES_HELP, describeFailure } from "./errors.js";
import { groupsCommand, lagCommand } from "./groups/groups-command.js";
import type { Io } from "./output.js";
import { resetCommand } from "./replay/reset-command.js";
import { republishCommand } from "./replay/republish-command.js";
import {
  parseOffsetSelection,
  parsePartitions,
  parsePositiveInt,
  parseRate,
  parseResetTarget,
  parseStart,
  parseTime,
} from "./specs.js";
import { statusCommand } from "./status/status-command.js";
import { tailCommand } from "./tail/tail-command.js";
import { topicsCommand } from "./topics/topics-command.js";

type GlobalOptions = { brokers?: string; registry?: string; operator?: string; json?: boolean; verbose?: boolean };
type Opts = Record<string, string | boolean | undefined>;

const str = (value: string | boolean | undefined) => (typeof value === "string" ? value : undefined);
const filterOf = (o: Opts) => ({
  ...(str(o.key) !== undefined && { key: str(o.key)! }),
  ...(str(o.type) !== undefined && { type: str(o.type)! }),
  ...(str(o.correlationId) !== undefined && { correlationId: str(o.correlationId)! }),
});

/**
 * Runs coffer-ops with the arguments after the program name and returns the exit code. Every
 * failure is one line on stderr; `--verbose` adds kafkajs's own errors.
 */
export async function main(argv: readonly string[], io: Io, env?: Record<string, string | undefined>) {
  let exitCode: number = EXIT.ok;
  let brokers: readonly string[] = [];

  /** Builds the context from the global options, runs the command, closes what it opened. */
  const act =
    (run: (ctx: OpsContext, args: string[], options: Opts) => Promise<number>) =>
    async (...args: unknown[]) => {
      const command = args.at(-1) as Command;
      const options = command.opts<Opts>();
      const globals = command.optsWithGlobals<GlobalOptions>();
      const config = loadConfig(
        {
          ...(globals.brokers !== undefined && { brokers: globals.brokers }),
          ...(globals.registry !== undefined && { registry: globals.registry }),
          ...(globals.operator !== undefined && { operator: globals.operator }),
          ...(str(options.metrics) !== undefined && { metrics: str(options.metrics)! }),
        },
        env,
      );
      brokers = config.brokers;
      const ctx = createOpsContext({
        config,
        io,
        json: globals.json ?? false,
        verbose: globals.verbose ?? false,
        argv,
      });
      try {
        exitCode = await run(ctx, command.args, options);
      } finally {
        // The command's outcome is decided; a client that cannot close cleanly must not hide it.
        await ctx.close().catch(() => undefined);
      }
    };

  const program = new Command("coffer-ops")
    .description("The operator's CLI: lag, topic replay and dead-letter redrive, safely and on record.")
    .option("--brokers <list>", "Kafka brokers (default: $KAFKA_BROKERS)")
    .option("--registry <url>", "schema registry, Confluent API (default: $SCHEMA_REGISTRY_URL)")
    .option("--operator <name>", "who is acting, for the audit topic (default: the OS user)")
    .option("--json", "machine-readable output (tail: one JSON object per line)")
    .option("--verbose", "also print kafkajs's own warnings and errors")
    .exitOverride()
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  program
    .command("topics")
    .description("topics with partitions, message counts and retention")
    .argument("[match]", "only topics whose name contains this")
    .option("--internal", "include internal topics (__consumer_offsets, …)")
    .action(act((ctx, [match], o) => topicsCommand(ctx, { ...(match && { match }), internal: o.internal === true })));

  program
    .command("groups")
    .description("consumer groups with their state and members")
    .argument("[match]", "only groups whose id contains this")
    .action(act((ctx, [match]) => groupsCommand(ctx, match ? { match } : {})));

  program
    .command("lag")
    .description("a group's state, members and, per partition, committed offset, end offset and lag")
    .argument("<group>")
    .action(act((ctx, [group]) => lagCommand(ctx, group!)));

  program
    .command("status")
    .description(
      "one screen from the services' GET /metrics: outbox pending and oldest age, lag per group and topic, dead letters, deliveries pending",
    )
    .option(
      "--metrics <urls>",
      "the services' metrics URLs, comma-separated, every instance (default: $COFFER_METRICS_URLS, else make dev's :9101-9103)",
    )
    .action(act((ctx) => statusCommand(ctx)));

  program
    .command("tail")
    .description("records decoded through the registry, with headers; secrets hidden, addresses masked")
    .argument("<topic>")
    .option("--from <start>", "earliest, latest, an ISO 8601 time (UTC unless it names a zone) or an offset")
    .option("--count <n>", "how many records (default 10; with --follow and --from: no limit)")
    .option("--partitions <list>", "only these partitions, e.g. 0,2")
    .option("--key <key>", "only records with this key")
    .option("--type <event-type>", "only this event-type header (without .vN: every version)")
    .option("--correlation-id <id>", "only records with this correlation-id header")
    .option("--follow", "then wait for new records until interrupted")
    .option("--show-pii", "show e-mail addresses unmasked (encrypted fields stay hidden)")
    .addHelpText(
      "after",
      "\nWithout --from: the last N records (with a filter, the whole topic is searched).\nWith --from: the first N from there.",
    )
    .action(
      act((ctx, [topic], o) =>
        tailCommand(ctx, topic!, {
          ...filterOf(o),
          ...(str(o.from) !== undefined && { from: parseStart(str(o.from)!) }),
          ...(str(o.count) !== undefined && { count: parsePositiveInt(str(o.count)!, "--count") }),
          ...(str(o.partitions) !== undefined && { partitions: parsePartitions(str(o.partitions)!) }),
          follow: o.follow === true,
          showPii: o.showPii === true,
        }),
      ),
    );

  const replay = program.command("replay").description("move a group's offsets, or copy records again");

  replay
    .command("reset")
    .description("move a stopped group's committed offsets (a dry run unless --execute)")
    .requiredOption("--group <group>")
    .requiredOption("--topic <topic>")
    .requiredOption("--to <target>", "earliest, latest, an ISO 8601 time, offset:N or shift:±N")
    .option("--partitions <list>", "only these partitions, e.g. 0,1")
    .option("--execute", "apply the plan (refused while the group has active members)")
    .action(
      act((ctx, _args, o) =>
        resetCommand(ctx, {
          group: str(o.group)!,
          topic: str(o.topic)!,
          to: parseResetTarget(str(o.to)!),
          toText: str(o.to)!,
          ...(str(o.partitions) !== undefined && { partitions: parsePartitions(str(o.partitions)!) }),
          execute: o.execute === true,
        }),
      ),
    );

  replay
    .command("republish")
    .description("copy records (key, value, headers as they are) with replay headers (a dry run unless --execute)")
    .option("--from-topic <topic>", "where the records are")
    .option("--to-topic <topic>", "where the copies go (default: the same topic)")
    .option("--since <time>", "records from this ISO 8601 time")
    .option("--until <time>", "records before this ISO 8601 time")
    .option("--offsets <list>", "records by offset: 0:10-20,1:5,2:7-")
    .option("--partitions <list>", "only these partitions")
    .option("--key <key>", "only records with this key")
    .option("--type <event-type>", "only this event-type header")
    .option("--correlation-id <id>", "only records with this correlation-id header")
    .option("--rate <n/s>", "at most this many records a second")
    .option("--resend", "mark the copies so notification-service sends their mail again (once per replay)")
    .addOption(
      new Option("--max-replays <n>", "refuse records already replayed this often (a loop guard)").default("3"),
    )
    .option("--execute", "copy (checkpointed: resumable after a crash)")
    .option("--resume <replay-id>", "finish a replay that stopped")
    .addHelpText(
      "after",
      "\nA copy carries x-replay-id, x-replayed-at and x-replay-count. Without --resend a replay sends no\nmail that was already sent; with it, notification-service sends each mail once more.",
    )
    .action(
      act((ctx, _args, o) =>
        republishCommand(ctx, {
          ...(str(o.fromTopic) !== undefined && { fromTopic: str(o.fromTopic)! }),
          ...(str(o.toTopic) !== undefined && { toTopic: str(o.toTopic)! }),
          ...(str(o.since) !== undefined && { since: parseTime(str(o.since)!, "--since") }),
          ...(str(o.until) !== undefined && { until: parseTime(str(o.until)!, "--until") }),
          ...(str(o.offsets) !== undefined && { offsets: validOffsets(str(o.offsets)!) }),
          ...(str(o.partitions) !== undefined && { partitions: parsePartitions(str(o.partitions)!) }),
          filter: filterOf(o),
          ...(str(o.rate) !== undefined && { rate: parseRate(str(o.rate)!) }),
          resend: o.resend === true,
          maxReplays: parsePositiveInt(str(o.maxReplays)!, "--max-replays"),
          execute: o.execute === true,
          ...(str(o.resume) !== undefined && { resume: str(o.resume)! }),
        }),
      ),
    );

  const dlq = program.command("dlq").description("what the consumers dead-lettered: list, redrive, park");
  const dlqGroup = () =>
    new Option("--group <group>", "the DLQ group: what operators have dealt with").default(DEFAULT_DLQ_GROUP);

  dlq
    .command("list")
    .description("records in <topic>.dlq not yet dealt with, by error class, with the newest of each")
    .argument("<topic>", "the original topic (or its .dlq)")
    .addOption(dlqGroup())
    .option("--show-pii", "show e-mail addresses unmasked")
    .action(
      act((ctx, [topic], o) => dlqListCommand(ctx, topic!, { group: str(o.group)!, showPii: o.showPii === true })),
    );

  dlq
    .command("redrive")
    .description("send records back to their original topic and partition (a dry run unless --execute)")
    .argument("<topic>", "the original topic (or its .dlq)")
    .option("--offsets <list>", "DLQ records by partition:offset, e.g. 0:4,1:2-5")
    .option("--error-class <class>", "only records dead-lettered with this error class")
    .addOption(new Option("--max-replays <n>", "refuse records already replayed this often").default("3"))
    .addOption(dlqGroup())
    .option("--execute", "send them")
    .action(
      act((ctx, [topic], o) =>
        dlqRedriveCommand(ctx, topic!, {
          group: str(o.group)!,
          ...(str(o.offsets) !== undefined && { offsets: parseOffsetSelection(str(o.offsets)!) }),
          ...(str(o.errorClass) !== undefined && { errorClass: str(o.errorClass)! }),
          maxReplays: parsePositiveInt(str(o.maxReplays)!, "--max-replays"),
          execute: o.execute === true,
        }),
      ),
    );

  dlq
    .command("park")
    .description("move the DLQ group past records you decided to drop, with a reason (a dry run unless --execute)")
    .argument("<topic>", "the original topic (or its .dlq)")
    .option("--offsets <list>", "DLQ records by partition:offset")
    .option("--error-class <class>", "every pending record of this error class")
    .option("--all", "every pending record")
    .option("--reason <text>", "why (required; kept in the audit topic)")
    .addOption(dlqGroup())
    .option("--execute", "park them")
    .action(
      act((ctx, [topic], o) =>
        dlqParkCommand(ctx, topic!, {
          group: str(o.group)!,
          ...(str(o.offsets) !== undefined && { offsets: parseOffsetSelection(str(o.offsets)!) }),
          ...(str(o.errorClass) !== undefined && { errorClass: str(o.errorClass)! }),
          all: o.all === true,
          ...(str(o.reason) !== undefined && { reason: str(o.reason)! }),
          execute: o.execute === true,
        }),
      ),
    );

  for (const command of [program, ...allCommands(program)]) command.addHelpText("after", `\n${EXIT_CODES_HELP}`);

  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the help or its one-line complaint.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof ConfigError) {
      io.stderr.write(`coffer-ops: ${error.problems.join("; ")} (set them or use --brokers / --registry)\n`);
      return EXIT.usage;
    }
    const failure = describeFailure(error, brokers);
    io.stderr.write(`coffer-ops: ${failure.message}\n`);
    if ((error as { stack?: string }).stack && argv.includes("--verbose") && failure.exitCode === EXIT.failure) {
      io.stderr.write(`${(error as Error).stack}\n`);
    }
    return failure.exitCode;
  }
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((c) => [c, ...allCommands(c)]);
}

function validOffsets(spec: string): string {
  parseOffsetSelection(spec);
  return spec;
}
