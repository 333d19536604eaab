import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Type from "typebox";
import { describe, expect, it } from "vitest";
import { ConfigError, kafkaEnv, kafkaEnvProblems, kafkaSettings, parseEnv } from "../src/config/index.js";

const schema = Type.Object(kafkaEnv());
const parse = (env: Record<string, string>) => kafkaSettings(parseEnv(schema, env, kafkaEnvProblems));
const problemsOf = (env: Record<string, string>) => {
  try {
    parse(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

const dir = mkdtempSync(join(tmpdir(), "coffer-kafka-env-"));
const file = (name: string, content: string) => {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};

describe("Kafka settings from the environment", () => {
  it("when only KAFKA_BROKERS is set, then the client has no TLS nor SASL and the services create topics of 3 partitions with the brokers' replication", () => {
    expect(parse({ KAFKA_BROKERS: "a:9092,b:9092" })).toEqual({
      connection: { brokers: ["a:9092", "b:9092"] },
      topics: { managed: "service", partitions: 3 },
    });
  });

  it("when TLS, SASL and topic settings are set, then the connection carries the files' contents and the password without its newline", () => {
    const settings = parse({
      KAFKA_BROKERS: "a:9093",
      KAFKA_SSL: "true",
      KAFKA_SSL_CA_FILE: file("ca.pem", "CA PEM"),
      KAFKA_SSL_CERT_FILE: file("cert.pem", "CERT PEM"),
      KAFKA_SSL_KEY_FILE: file("key.pem", "KEY PEM"),
      KAFKA_SASL_MECHANISM: "scram-sha-512",
      KAFKA_SASL_USERNAME: "coffer",
      KAFKA_SASL_PASSWORD_FILE: file("password", "s3cret\n"),
      KAFKA_TOPIC_PARTITIONS: "12",
      KAFKA_REPLICATION_FACTOR: "3",
      KAFKA_MIN_INSYNC_REPLICAS: "2",
    });
    expect(settings).toEqual({
      connection: {
        brokers: ["a:9093"],
        ssl: { ca: "CA PEM", cert: "CERT PEM", key: "KEY PEM" },
        sasl: { mechanism: "scram-sha-512", username: "coffer", password: "s3cret" },
      },
      topics: { managed: "service", partitions: 12, replicationFactor: 3, minInsyncReplicas: 2 },
    });
  });

  it("when KAFKA_SSL is true without a CA file, then the system's authorities verify the brokers", () => {
    expect(parse({ KAFKA_BROKERS: "a:9093", KAFKA_SSL: "true" }).connection.ssl).toEqual({});
  });

  it("when settings contradict each other or files cannot be read, then a ConfigError names every key", () => {
    expect(problemsOf({ KAFKA_BROKERS: "a:9092", KAFKA_SASL_MECHANISM: "plain" })).toEqual([
      "KAFKA_SASL_USERNAME: is required with KAFKA_SASL_MECHANISM=plain",
      "KAFKA_SASL_PASSWORD, KAFKA_SASL_PASSWORD_FILE: exactly one is required with KAFKA_SASL_MECHANISM",
    ]);
    expect(problemsOf({ KAFKA_BROKERS: "a:9092", KAFKA_SASL_USERNAME: "u", KAFKA_SASL_PASSWORD: "p" })).toEqual([
      "KAFKA_SASL_MECHANISM: is required with KAFKA_SASL_USERNAME or a password",
    ]);
    expect(
      problemsOf({
        KAFKA_BROKERS: "a:9092",
        KAFKA_SSL_CA_FILE: join(dir, "missing.pem"),
        KAFKA_SSL_CERT_FILE: file("c.pem", "C"),
        KAFKA_REPLICATION_FACTOR: "1",
        KAFKA_MIN_INSYNC_REPLICAS: "2",
      }),
    ).toEqual([
      "KAFKA_SSL_CA_FILE: needs KAFKA_SSL=true",
      "KAFKA_SSL_CERT_FILE: needs KAFKA_SSL=true",
      "KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE: a client certificate needs both",
      "KAFKA_MIN_INSYNC_REPLICAS: cannot exceed KAFKA_REPLICATION_FACTOR (no write would ever succeed)",
      `KAFKA_SSL_CA_FILE: cannot read ${join(dir, "missing.pem")} (ENOENT)`,
    ]);
    expect(problemsOf({ KAFKA_BROKERS: "a:9092", KAFKA_SASL_MECHANISM: "gssapi" })).toHaveLength(1);
  });
});
