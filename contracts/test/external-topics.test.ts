import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Type from "typebox";
import { kafkaEnv, kafkaEnvProblems, kafkaSettings, parseEnv } from "../src/config/index.js";
import {
  MissingTopicsError,
  TOPICS,
  createConsumerRunner,
  createEventRegistry,
  createKafka,
  createPgIdempotencyStore,
  dlqTopicOf,
  ensureTopics,
} from "../src/index.js";
import { brokers, createTestDatabase, kafka, logger, registryUrl, uniqueId } from "./support.js";

// KAFKA_TOPICS_MANAGED=external: the topics are Strimzi KafkaTopics (deploy/examples); the
// services check them at start and never create one.
const external = (env: Record<string, string> = {}) =>
  kafkaSettings(
    parseEnv(
      Type.Object(kafkaEnv()),
      { KAFKA_BROKERS: brokers.join(","), KAFKA_TOPICS_MANAGED: "external", ...env },
      kafkaEnvProblems,
    ),
  );
const client = createKafka({ clientId: "external-topics-test", brokers, logger });
const admin = kafka.admin();

const present = uniqueId("external-present");
const small = uniqueId("external-small");

async function topicNames() {
  return new Set(await admin.listTopics());
}

describe("topics managed outside the services", () => {
  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: present, numPartitions: 3 },
        { topic: small, numPartitions: 1 },
      ],
    });
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [present, small] }).catch(() => undefined);
    await admin.disconnect();
  });

  it("when every topic exists with at least the configured partitions, then the check passes", async () => {
    await expect(ensureTopics(client, [present], external().topics)).resolves.toBeUndefined();
  });

  it("when a topic is missing, then the check names it and the topic is not created", async () => {
    const missing = uniqueId("external-missing");
    const error = await ensureTopics(client, [present, missing], external().topics).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingTopicsError);
    expect((error as MissingTopicsError).missing).toEqual([missing]);
    expect((error as Error).message).toContain(`missing: ${missing}`);
    expect((error as Error).message).toContain("KAFKA_TOPICS_MANAGED=external");
    expect((await topicNames()).has(missing)).toBe(false);
  });

  it("when a topic has fewer partitions than KAFKA_TOPIC_PARTITIONS, then the check names it with its count", async () => {
    const error = await ensureTopics(client, [present, small], external().topics).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingTopicsError);
    expect((error as MissingTopicsError).underPartitioned).toEqual([{ topic: small, partitions: 1 }]);
    expect((error as Error).message).toContain(`fewer than 3 partitions: ${small} (1)`);
    await expect(
      ensureTopics(client, [small], external({ KAFKA_TOPIC_PARTITIONS: "1" }).topics),
    ).resolves.toBeUndefined();
  });

  it("when a consumer's topic or dead-letter topic has too few partitions, then its start fails naming them", async () => {
    const db = await createTestDatabase();
    try {
      const runner = createConsumerRunner({
        kafka: client,
        registry: createEventRegistry(registryUrl),
        groupId: uniqueId("external-topics-test"),
        logger,
        store: createPgIdempotencyStore(db.pool),
        handlers: { [TOPICS.shareAccessed]: async () => undefined },
        // More partitions than any topic of the shared broker has: each is reported, missing or small.
        topicSettings: { managed: "external", partitions: 10_000 },
      });
      const error = await runner.start().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MissingTopicsError);
      const { missing, underPartitioned } = error as MissingTopicsError;
      expect([...missing, ...underPartitioned.map((t) => t.topic)].sort()).toEqual([
        TOPICS.shareAccessed,
        dlqTopicOf(TOPICS.shareAccessed),
      ]);
    } finally {
      await db.drop();
    }
  });

  it("when topics are managed by the services (the default), then a missing one is created", async () => {
    const created = uniqueId("service-created");
    const settings = kafkaSettings(
      parseEnv(Type.Object(kafkaEnv()), { KAFKA_BROKERS: brokers.join(",") }, kafkaEnvProblems),
    );
    expect(settings.topics.managed).toBe("service");
    await ensureTopics(client, [created], settings.topics);
    expect((await topicNames()).has(created)).toBe(true);
    await admin.deleteTopics({ topics: [created] });
  });
});
