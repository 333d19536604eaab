import { randomUUID } from "node:crypto";
import {
  TOPICS,
  createEvent,
  createEventPublisher,
  createEventRegistry,
  ensureTopics,
  serializeEvent,
} from "@coffer/contracts";
import { ConfigResourceTypes, Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOwnKafka, type OwnKafka } from "./own-kafka.js";

// A cluster of its own, as `COFFER_TOPOLOGY=ha infra up` starts it for `make dev` and drill 8.
let cluster: OwnKafka | undefined;
let kafka: Kafka;

beforeAll(async () => {
  cluster = await startOwnKafka({ COFFER_TOPOLOGY: "ha" });
  kafka = new Kafka({
    clientId: "kafka-ha-test",
    brokers: cluster.env.KAFKA_BROKERS!.split(","),
    logLevel: logLevel.NOTHING,
    retry: { retries: 10 },
  });
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

describe("Kafka in the ha topology (three KRaft nodes)", () => {
  it("when it is up, then infra env names three brokers, all in the cluster, which never creates a topic on its own", async () => {
    expect(cluster!.env.KAFKA_BROKERS!.split(",")).toHaveLength(3);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { brokers, controller } = await admin.describeCluster();
      expect(brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
      expect(controller).not.toBeNull();
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.BROKER, name: "1", configNames: ["auto.create.topics.enable"] }],
      });
      expect(resources[0]!.configEntries).toEqual([
        expect.objectContaining({ configName: "auto.create.topics.enable", configValue: "false" }),
      ]);
    } finally {
      await admin.disconnect();
    }
  });

  it("when a publisher is the first to write a topic, then it creates the topic with the configured settings and the record lands", async () => {
    const topic = TOPICS.sessionRevoked;
    const customerId = randomUUID();
    const event = createEvent(
      topic,
      { customerId, sessionId: randomUUID(), reason: "logout" },
      { correlationId: randomUUID(), producer: "kafka-ha-test" },
    );
    const publisher = createEventPublisher(kafka, createEventRegistry(process.env.SCHEMA_REGISTRY_URL!), {
      partitions: 2,
      replicationFactor: 3,
      minInsyncReplicas: 2,
    });
    try {
      await publisher.publish([
        { eventId: event.eventId, topic, key: customerId, payload: serializeEvent(topic, event), headers: {} },
      ]);
    } finally {
      await publisher.close();
    }

    const admin = kafka.admin();
    await admin.connect();
    try {
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      expect(metadata!.partitions.map((p) => p.replicas.length)).toEqual([3, 3]);
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ["min.insync.replicas"] }],
      });
      expect(resources[0]!.configEntries[0]!.configValue).toBe("2");
      const offsets = await admin.fetchTopicOffsets(topic);
      expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(1);
    } finally {
      await admin.disconnect();
    }
  });

  it("when a topic is created with replication 3 and min.insync 2 and its leader is killed while producing with acks=all, then every acknowledged record is read back", async () => {
    const topic = `ha.${randomUUID()}`;
    await ensureTopics(kafka, [topic], { partitions: 1, replicationFactor: 3, minInsyncReplicas: 2 });

    const admin = kafka.admin();
    await admin.connect();
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ["min.insync.replicas"] }],
    });
    await admin.disconnect();
    const partition = metadata!.partitions[0]!;
    expect(partition.replicas).toHaveLength(3);
    expect(partition.isr).toHaveLength(3);
    expect(resources[0]!.configEntries[0]!.configValue).toBe("2");

    // Retries outlast the brokers' session timeout (9 s), after which the controller moves the leadership.
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 12, initialRetryTime: 300, maxRetryTime: 5000 },
    });
    await producer.connect();
    const sent: string[] = [];
    for (let i = 0; i < 40; i++) {
      if (i === 20) await cluster!.infra("kill", `kafka-${partition.leader}`);
      await producer.send({ topic, acks: -1, messages: [{ key: "k", value: String(i) }] });
      sent.push(String(i));
    }
    await producer.disconnect();

    const received: string[] = [];
    const consumer = kafka.consumer({ groupId: `ha-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push(String(message.value));
      },
    });
    try {
      await expect.poll(() => received, { timeout: 60_000 }).toEqual(sent);
    } finally {
      await consumer.disconnect();
    }
    expect(sent).toHaveLength(40);
  }, 180_000);
});
