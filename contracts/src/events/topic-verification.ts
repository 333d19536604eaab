import type { Admin } from "kafkajs";

/** Topics made outside the services (KAFKA_TOPICS_MANAGED=external) that are absent or too small. */
export class MissingTopicsError extends Error {
  constructor(
    readonly missing: readonly string[],
    readonly underPartitioned: readonly { topic: string; partitions: number }[],
    readonly minPartitions: number,
  ) {
    const problems = [
      ...(missing.length > 0 ? [`missing: ${missing.join(", ")}`] : []),
      ...(underPartitioned.length > 0
        ? [
            `fewer than ${minPartitions} partitions: ${underPartitioned.map((t) => `${t.topic} (${t.partitions})`).join(", ")}`,
          ]
        : []),
    ];
    super(`Kafka topics are managed outside the services (KAFKA_TOPICS_MANAGED=external); ${problems.join("; ")}`);
    this.name = "MissingTopicsError";
  }
}

/** Checks, never creates: each topic exists with at least `minPartitions` partitions. */
export async function assertTopicsExist(admin: Admin, topics: readonly string[], minPartitions: number) {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  const present = topics.filter((t) => existing.has(t));
  const metadata = present.length > 0 ? await admin.fetchTopicMetadata({ topics: [...present] }) : { topics: [] };
  const underPartitioned = metadata.topics
    .filter((t) => t.partitions.length < minPartitions)
    .map((t) => ({ topic: t.name, partitions: t.partitions.length }));
  if (missing.length > 0 || underPartitioned.length > 0)
    throw new MissingTopicsError(missing, underPartitioned, minPartitions);
}
