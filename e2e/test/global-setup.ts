import { randomUUID } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, type WriteStream } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createEvent,
  createEventPublisher,
  createEventRegistry,
  createKafka,
  serializeEvent,
  TOPICS,
} from "@coffer/contracts";
import * as Minio from "minio";
import mongoose from "mongoose";
import pg from "pg";
import { pino } from "pino";
import { startPrometheus, type Prometheus } from "@coffer/contracts/testing";
import type { TestProject } from "vitest/node";
import { readInfraEnv, startPlatform } from "../../infra/bin/platform.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where the tests send requests: the development gateway started here, or GATEWAY_URL. */
    gatewayUrl: string;
    /** Set when this setup started the platform: what the journey inspects from the outside. */
    local: {
      logDir: string;
      keysDir: string;
      bucket: string;
      fileDatabaseUrl: string;
      notificationDatabaseUrl: string;
      mongoUrl: string;
      /** Each service's own address, behind the gateway. */
      serviceUrls: { customer: string; file: string; notification: string };
      quotaBytes: number;
      /** A Prometheus scraping the services' metrics listeners for the whole run, if installed. */
      prometheusUrl: string | null;
    } | null;
  }
}

/** A small quota, so the journey reaches the 80 % warning with a few MiB. */
const QUOTA_BYTES = 8 * 2 ** 20;

/**
 * Starts the whole platform as `make dev` does (same launcher, same rendered kong.yml), on free
 * ports, with databases, a bucket and consumer groups of its own; each process logs to a file the
 * journey searches for its correlation id. With GATEWAY_URL set (a real Kong in front of a running
 * platform) it starts nothing: only the request table runs.
 */
export default async function setup(project: TestProject) {
  if (process.env.GATEWAY_URL) {
    project.provide("gatewayUrl", process.env.GATEWAY_URL.replace(/\/+$/, ""));
    project.provide("local", null);
    return;
  }
  const infraEnv = readInfraEnv();
  const run = randomUUID().slice(0, 8);
  const workDir = mkdtempSync(join(tmpdir(), "coffer-e2e-"));
  const logDir = join(workDir, "logs");
  const keysDir = join(workDir, "keys");
  const databases = [`e2e_files_${run}`, `e2e_notifications_${run}`];
  const admin = new pg.Client({ connectionString: infraEnv.PG_ADMIN_URL });
  await admin.connect();
  for (const name of databases) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const databaseUrl = (name: string) =>
    Object.assign(new URL(infraEnv.PG_ADMIN_URL!), { pathname: `/${name}` }).toString();
  const bucket = `e2e-${run}`;
  const mongoUrl = Object.assign(new URL(infraEnv.MONGO_URL!), { pathname: `/e2e_customers_${run}` }).toString();
  const [customer, file, notification, gateway, web] = await Promise.all([0, 1, 2, 3, 4].map(freePort));
  const metricsPorts = { customer: await freePort(), file: await freePort(), notification: await freePort() };

  mkdirSync(logDir, { recursive: true });
  const logs = new Map<string, WriteStream>();
  const platform = await startPlatform({
    // The web app from web/dist: build it first (`npm run build -w web`, which `make e2e` does).
    ports: { customer: customer!, file: file!, notification: notification!, gateway: gateway!, web: web! },
    metricsPorts,
    infraEnv,
    keysDir,
    kongFile: join(workDir, "kong.yml"),
    env: {
      customer: { MONGO_URL: mongoUrl },
      file: {
        DATABASE_URL: databaseUrl(databases[0]!),
        MINIO_BUCKET: bucket,
        CONSUMER_GROUP: `e2e-file-service-${run}`,
        CONSUMER_FROM_BEGINNING: "false",
        DEFAULT_QUOTA_BYTES: String(QUOTA_BYTES),
      },
      notification: {
        DATABASE_URL: databaseUrl(databases[1]!),
        CONSUMER_GROUP: `e2e-notification-service-${run}`,
        CONSUMER_FROM_BEGINNING: "false",
      },
    },
    onLine: (name, line) => {
      let log = logs.get(name);
      if (!log) logs.set(name, (log = createWriteStream(join(logDir, `${name}.log`))));
      log.write(`${line}\n`);
    },
  });

  const fileDatabaseUrl = databaseUrl(databases[0]!);
  const notificationDatabaseUrl = databaseUrl(databases[1]!);
  await untilConsumersListen(infraEnv, [fileDatabaseUrl, notificationDatabaseUrl]);
  // Without it (not installed) the test of the dashboards fails and says so; the others run.
  let prometheus: Prometheus | undefined;
  if (existsSync(infraEnv.PROMETHEUS_BIN ?? "")) {
    prometheus = await startPrometheus({
      binary: infraEnv.PROMETHEUS_BIN!,
      targets: Object.entries(platform.metricsUrls).map(([name, url]) => ({
        service: name.replace(/-\d+$/, ""),
        address: new URL(url).host,
      })),
    });
  }

  project.provide("gatewayUrl", platform.gatewayUrl);
  project.provide("local", {
    logDir,
    keysDir,
    bucket,
    fileDatabaseUrl,
    notificationDatabaseUrl,
    mongoUrl,
    serviceUrls: {
      customer: `http://127.0.0.1:${customer}`,
      file: `http://127.0.0.1:${file}`,
      notification: `http://127.0.0.1:${notification}`,
    },
    quotaBytes: QUOTA_BYTES,
    prometheusUrl: prometheus?.url ?? null,
  });

  return async () => {
    await prometheus?.stop();
    await platform.stop();
    for (const log of logs.values()) log.end();
    const client = new pg.Client({ connectionString: infraEnv.PG_ADMIN_URL });
    await client.connect();
    for (const name of databases) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
    const mongo = await mongoose.createConnection(mongoUrl).asPromise();
    await mongo.dropDatabase();
    await mongo.close();
    await removeBucket(infraEnv, bucket);
    if (!process.env.E2E_KEEP_LOGS) rmSync(workDir, { recursive: true, force: true });
    else console.log(`e2e logs kept in ${logDir}`);
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Empties and removes a run's bucket. */
export async function removeBucket(infraEnv: Record<string, string>, bucket: string): Promise<void> {
  const endpoint = new URL(infraEnv.MINIO_ENDPOINT!);
  const minio = new Minio.Client({
    endPoint: endpoint.hostname,
    port: Number(endpoint.port),
    useSSL: false,
    accessKey: infraEnv.MINIO_ACCESS_KEY!,
    secretKey: infraEnv.MINIO_SECRET_KEY!,
  });
  const names: string[] = [];
  for await (const item of minio.listObjectsV2(bucket, "", true)) if (item.name) names.push(item.name);
  if (names.length > 0) await minio.removeObjects(bucket, names);
  await minio.removeBucket(bucket).catch(() => undefined);
}

/**
 * New consumer groups start at the end of their topics once they have fetched: an event the
 * journey causes before that would be skipped. A marker customer, seen by both consumers, says
 * they are reading.
 */
export async function untilConsumersListen(infraEnv: Record<string, string>, databaseUrls: string[]): Promise<void> {
  const kafka = createKafka({
    clientId: "e2e-setup",
    brokers: infraEnv.KAFKA_BROKERS!.split(","),
    logger: pino({ level: "warn" }),
  });
  const publisher = createEventPublisher(kafka, createEventRegistry(infraEnv.SCHEMA_REGISTRY_URL!));
  const pools = databaseUrls.map((connectionString) => new pg.Pool({ connectionString, max: 1 }));
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const customerId = randomUUID();
      const event = createEvent(
        TOPICS.customerRegistered,
        { customerId, email: `marker-${customerId}@e2e.invalid`, displayName: "Marker", locale: "en" },
        { correlationId: `e2e-marker-${customerId}`, producer: "e2e" },
      );
      await publisher.publish([
        {
          eventId: event.eventId,
          topic: TOPICS.customerRegistered,
          key: customerId,
          payload: serializeEvent(TOPICS.customerRegistered, event),
          headers: { "event-type": TOPICS.customerRegistered, "correlation-id": event.correlationId },
        },
      ]);
      const seen = async () => {
        for (const pool of pools) {
          const { rowCount } = await pool.query("SELECT 1 FROM customers WHERE id = $1", [customerId]);
          if (rowCount !== 1) return false;
        }
        return true;
      };
      const until = Date.now() + 3000;
      while (Date.now() < until) {
        if (await seen()) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      if (Date.now() > deadline) throw new Error("the platform's consumers did not start reading within 60 s");
    }
  } finally {
    await publisher.close();
    await Promise.all(pools.map((pool) => pool.end()));
  }
}
