import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, describe, expect, it } from "vitest";

const kafka = new Kafka({
  clientId: "smoke",
  brokers: process.env.KAFKA_BROKERS!.split(","),
  logLevel: logLevel.NOTHING,
  connectionTimeout: 2000,
  retry: { retries: 2 },
});
const topic = `smoke.kafka.${randomUUID()}`;
const producer = kafka.producer({ idempotent: true });
const consumer = kafka.consumer({ groupId: `smoke-${randomUUID()}` });
const admin = kafka.admin();

afterAll(async () => {
  await Promise.allSettled([producer.disconnect(), consumer.disconnect()]);
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
});

describe("Kafka (KRaft) on loopback", () => {
  it("when a record is produced with acks=all, then a consumer group reads it back with its key and headers", async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await producer.connect();
    const value = `hello ${randomUUID()}`;
    await producer.send({
      topic,
      acks: -1,
      messages: [{ key: "customer-1", value, headers: { "event-type": "smoke" } }],
    });

    const received: { key: string; value: string; header: string }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push({
          key: String(message.key),
          value: String(message.value),
          header: String(message.headers?.["event-type"]),
        });
      },
    });

    await expect.poll(() => received, { timeout: 20_000 }).toEqual([{ key: "customer-1", value, header: "smoke" }]);
  });
});
