import { readFileSync } from "node:fs";
import Type, { type Static, type TObject } from "typebox";
import type { KafkaConnection, TopicSettings } from "../events/kafka.js";

/**
 * The keys of every Kafka client: where the cluster is, TLS and SASL, and how topics are created
 * (or, when made outside, checked).
 * The defaults fit one development broker; a cluster sets KAFKA_REPLICATION_FACTOR (3) and
 * KAFKA_MIN_INSYNC_REPLICAS (2), or leaves them to the brokers' own defaults.
 */
export function kafkaEnv() {
  return {
    KAFKA_BROKERS: Type.String({ pattern: "^[^,\\s]+(,[^,\\s]+)*$" }),
    KAFKA_SSL: Type.Boolean({ default: false }),
    KAFKA_SSL_CA_FILE: Type.Optional(Type.String({ minLength: 1 })),
    KAFKA_SSL_CERT_FILE: Type.Optional(Type.String({ minLength: 1 })),
    KAFKA_SSL_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
    KAFKA_SASL_MECHANISM: Type.Optional(Type.Enum(["plain", "scram-sha-256", "scram-sha-512"])),
    KAFKA_SASL_USERNAME: Type.Optional(Type.String({ minLength: 1 })),
    KAFKA_SASL_PASSWORD: Type.Optional(Type.String({ minLength: 1 })),
    KAFKA_SASL_PASSWORD_FILE: Type.Optional(Type.String({ minLength: 1 })),
    KAFKA_TOPIC_PARTITIONS: Type.Integer({ minimum: 1, default: 3 }),
    KAFKA_REPLICATION_FACTOR: Type.Optional(Type.Integer({ minimum: 1 })),
    KAFKA_MIN_INSYNC_REPLICAS: Type.Optional(Type.Integer({ minimum: 1 })),
    // `external`: the topics are made beside the services (Strimzi KafkaTopics); the services only
    // check that each exists with at least KAFKA_TOPIC_PARTITIONS partitions, and never create one.
    KAFKA_TOPICS_MANAGED: Type.Enum(["service", "external"], { default: "service" }),
  };
}

export type KafkaEnv = Static<TObject<ReturnType<typeof kafkaEnv>>>;

/** What the schema cannot say: settings that only make sense together, and files that must be readable. */
export function kafkaEnvProblems(env: KafkaEnv): string[] {
  const problems: string[] = [];
  if (!env.KAFKA_SSL) {
    for (const key of ["KAFKA_SSL_CA_FILE", "KAFKA_SSL_CERT_FILE", "KAFKA_SSL_KEY_FILE"] as const)
      if (env[key] !== undefined) problems.push(`${key}: needs KAFKA_SSL=true`);
  }
  if ((env.KAFKA_SSL_CERT_FILE === undefined) !== (env.KAFKA_SSL_KEY_FILE === undefined))
    problems.push("KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE: a client certificate needs both");
  const sasl = [env.KAFKA_SASL_USERNAME, env.KAFKA_SASL_PASSWORD, env.KAFKA_SASL_PASSWORD_FILE];
  if (env.KAFKA_SASL_MECHANISM === undefined) {
    if (sasl.some((value) => value !== undefined))
      problems.push("KAFKA_SASL_MECHANISM: is required with KAFKA_SASL_USERNAME or a password");
  } else {
    if (env.KAFKA_SASL_USERNAME === undefined)
      problems.push(`KAFKA_SASL_USERNAME: is required with KAFKA_SASL_MECHANISM=${env.KAFKA_SASL_MECHANISM}`);
    if ((env.KAFKA_SASL_PASSWORD === undefined) === (env.KAFKA_SASL_PASSWORD_FILE === undefined))
      problems.push("KAFKA_SASL_PASSWORD, KAFKA_SASL_PASSWORD_FILE: exactly one is required with KAFKA_SASL_MECHANISM");
  }
  if (
    env.KAFKA_REPLICATION_FACTOR !== undefined &&
    env.KAFKA_MIN_INSYNC_REPLICAS !== undefined &&
    env.KAFKA_MIN_INSYNC_REPLICAS > env.KAFKA_REPLICATION_FACTOR
  )
    problems.push("KAFKA_MIN_INSYNC_REPLICAS: cannot exceed KAFKA_REPLICATION_FACTOR (no write would ever succeed)");
  for (const key of [
    "KAFKA_SSL_CA_FILE",
    "KAFKA_SSL_CERT_FILE",
    "KAFKA_SSL_KEY_FILE",
    "KAFKA_SASL_PASSWORD_FILE",
  ] as const) {
    const path = env[key];
    if (path === undefined) continue;
    try {
      readFileSync(path);
    } catch (error) {
      problems.push(`${key}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }
  return problems;
}

const read = (path: string | undefined) => (path === undefined ? undefined : readFileSync(path, "utf8"));

/** The client's connection (files read once, here) and topic settings, from keys `kafkaEnvProblems` passed. */
export function kafkaSettings(env: KafkaEnv): { connection: KafkaConnection; topics: TopicSettings } {
  const ca = read(env.KAFKA_SSL_CA_FILE);
  const cert = read(env.KAFKA_SSL_CERT_FILE);
  const key = read(env.KAFKA_SSL_KEY_FILE);
  const connection: KafkaConnection = {
    brokers: Object.freeze(env.KAFKA_BROKERS.split(",")),
    ...(env.KAFKA_SSL && { ssl: { ...(ca && { ca }), ...(cert && { cert }), ...(key && { key }) } }),
    ...(env.KAFKA_SASL_MECHANISM !== undefined && {
      sasl: {
        mechanism: env.KAFKA_SASL_MECHANISM,
        username: env.KAFKA_SASL_USERNAME!,
        // A password file ends with a newline more often than not; a password never does.
        password: env.KAFKA_SASL_PASSWORD ?? read(env.KAFKA_SASL_PASSWORD_FILE)!.replace(/\r?\n$/, ""),
      },
    }),
  };
  const topics: TopicSettings = {
    managed: env.KAFKA_TOPICS_MANAGED,
    partitions: env.KAFKA_TOPIC_PARTITIONS,
    ...(env.KAFKA_REPLICATION_FACTOR !== undefined && { replicationFactor: env.KAFKA_REPLICATION_FACTOR }),
    ...(env.KAFKA_MIN_INSYNC_REPLICAS !== undefined && { minInsyncReplicas: env.KAFKA_MIN_INSYNC_REPLICAS }),
  };
  return { connection: Object.freeze(connection), topics: Object.freeze(topics) };
}
