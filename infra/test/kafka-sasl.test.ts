import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createKafka, type KafkaConnection } from "@coffer/contracts";
import { kafkaEnv, kafkaEnvProblems, kafkaSettings, parseEnv } from "@coffer/contracts/config";
import { pino } from "pino";
import Type from "typebox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOwnKafka, type OwnKafka } from "./own-kafka.js";

const logger = pino({ level: "silent" });
let broker: OwnKafka | undefined;

beforeAll(async () => {
  broker = await startOwnKafka({ COFFER_KAFKA_SASL: "plain" });
}, 180_000);

afterAll(async () => {
  await broker?.stop();
}, 60_000);

const connectionOf = (env: Record<string, string>) =>
  kafkaSettings(parseEnv(Type.Object(kafkaEnv()), env, kafkaEnvProblems)).connection;

async function describeCluster(connection: KafkaConnection) {
  const admin = createKafka({ clientId: "sasl-test", ...connection, logger, failFast: true }).admin();
  await admin.connect();
  try {
    return await admin.describeCluster();
  } finally {
    await admin.disconnect();
  }
}

describe("Kafka with SASL/PLAIN (COFFER_KAFKA_SASL=plain)", () => {
  it("when the client is configured from infra env's KAFKA_SASL_* keys, then the broker lets it in", async () => {
    expect(broker!.env).toMatchObject({ KAFKA_SASL_MECHANISM: "plain", KAFKA_SASL_USERNAME: "coffer" });
    const { brokers } = await describeCluster(connectionOf(broker!.env));
    expect(brokers).toHaveLength(1);
  });

  it("when the password is wrong or SASL is not configured, then the client is refused", async () => {
    const wrong = join(broker!.env.KAFKA_SASL_PASSWORD_FILE!, "..", "wrong-password");
    writeFileSync(wrong, "not-the-password\n");
    await expect(describeCluster(connectionOf({ ...broker!.env, KAFKA_SASL_PASSWORD_FILE: wrong }))).rejects.toThrow(
      /SASL PLAIN authentication failed/,
    );
    await expect(describeCluster(connectionOf({ KAFKA_BROKERS: broker!.env.KAFKA_BROKERS! }))).rejects.toThrow();
  });
});
