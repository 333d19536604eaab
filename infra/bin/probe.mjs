// Readiness probes that need a real protocol client: Kafka metadata and a Mongo ping.
// Exits 0 when the server answers, 1 otherwise. Kafka with SASL/PLAIN: KAFKA_SASL_USERNAME and
// KAFKA_SASL_PASSWORD_FILE in the environment.
import { readFileSync } from "node:fs";
import { Kafka, logLevel } from "kafkajs";
import { MongoClient } from "mongodb";

const [kind, target] = process.argv.slice(2);

async function probeKafka(broker) {
  const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD_FILE: passwordFile } = process.env;
  const admin = new Kafka({
    clientId: "coffer-infra-probe",
    brokers: [broker],
    ...(username && {
      sasl: { mechanism: "plain", username, password: readFileSync(passwordFile, "utf8").trim() },
    }),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { retries: 0 },
  }).admin();
  await admin.connect();
  try {
    const { brokers, controller } = await admin.describeCluster();
    if (brokers.length === 0 || controller === null) throw new Error("no controller yet");
  } finally {
    await admin.disconnect();
  }
}

async function probeMongo(url) {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 1000 });
  try {
    await client.db("admin").command({ ping: 1 });
  } finally {
    await client.close();
  }
}

const probes = { kafka: probeKafka, mongo: probeMongo };
try {
  await probes[kind](target);
  process.exit(0);
} catch (error) {
  console.error(`${kind} at ${target}: ${error.message}`);
  process.exit(1);
}
