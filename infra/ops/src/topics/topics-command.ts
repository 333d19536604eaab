import kafkajs from "kafkajs";
import type { OpsContext } from "../context.js";
import { partitionOffsets } from "../kafka/cluster.js";
import { formatDuration, formatTable, printJson } from "../output.js";

// kafkajs is CommonJS: Node finds only some of its exports by name.
const { ConfigResourceTypes } = kafkajs;

export type TopicSummary = {
  topic: string;
  partitions: number;
  messages: string;
  retentionMs: number | null;
  cleanupPolicy: string | null;
};

/** Topics with partitions, messages (end minus start offsets: approximate on compacted topics) and retention. */
export async function topicsCommand(ctx: OpsContext, options: { match?: string; internal?: boolean }): Promise<number> {
  const admin = await ctx.admin();
  const topics = (await admin.listTopics())
    .filter((t) => options.internal || !t.startsWith("_"))
    .filter((t) => options.match === undefined || t.includes(options.match))
    .sort();
  const configs =
    topics.length === 0
      ? []
      : (
          await admin.describeConfigs({
            includeSynonyms: false,
            resources: topics.map((name) => ({
              type: ConfigResourceTypes.TOPIC,
              name,
              configNames: ["retention.ms", "cleanup.policy"],
            })),
          })
        ).resources;
  const configOf = (topic: string, name: string) =>
    configs.find((r) => r.resourceName === topic)?.configEntries.find((e) => e.configName === name)?.configValue ??
    null;

  const summaries: TopicSummary[] = await Promise.all(
    topics.map(async (topic) => {
      const offsets = await partitionOffsets(admin, topic);
      const retention = configOf(topic, "retention.ms");
      return {
        topic,
        partitions: offsets.length,
        messages: offsets.reduce((sum, p) => sum + (p.high - p.low), 0n).toString(),
        retentionMs: retention === null ? null : Number(retention),
        cleanupPolicy: configOf(topic, "cleanup.policy"),
      };
    }),
  );

  if (ctx.json) printJson(ctx.io, { topics: summaries });
  else
    ctx.io.stdout.write(
      `${formatTable(
        ["TOPIC", "PARTITIONS", "MESSAGES", "RETENTION", "CLEANUP"],
        summaries.map((s) => [
          s.topic,
          s.partitions,
          s.messages,
          s.retentionMs === null ? null : formatDuration(s.retentionMs),
          s.cleanupPolicy,
        ]),
      )}\n`,
    );
  return 0;
}
