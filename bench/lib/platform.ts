// The platform as `make dev` runs it (startPlatform: every service a process of its own, the
// development gateway in front), on free ports, with a database, bucket and consumer groups
// of the run's own, so it can run beside other work on the same servers.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout } from "node:timers/promises";
import { freePort } from "@coffer/contracts/testing";
import * as Minio from "minio";
import mongoose from "mongoose";
import pg from "pg";
import { startPlatform, type Platform } from "../../infra/bin/platform.mjs";

export type BenchPlatform = {
  gatewayUrl: string;
  customerUrl: string;
  fileUrl: string;
  pids: Platform["pids"];
  fileDatabaseUrl: string;
  mongoUrl: string;
  bucket: string;
  minio: Minio.Client;
  /** A verified customer's access token and id (customer-service issues it, as in production). */
  login(email?: string): Promise<{ token: string; customerId: string }>;
  register(): Promise<{ email: string; password: string }>;
  stop(): Promise<void>;
};

export const PASSWORD = "benchmark passphrase";

export function createMinioClient(env: Record<string, string | undefined>): Minio.Client {
  const endpoint = new URL(env.MINIO_ENDPOINT!);
  return new Minio.Client({
    endPoint: endpoint.hostname,
    port: Number(endpoint.port),
    useSSL: false,
    accessKey: env.MINIO_ACCESS_KEY!,
    secretKey: env.MINIO_SECRET_KEY!,
    // as file-service's client
    partSize: 8 * 2 ** 20,
  });
}

export const databaseUrl = (adminUrl: string, name: string) =>
  Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();

export async function startBenchPlatform(env: Record<string, string>): Promise<BenchPlatform> {
  const run = randomUUID().slice(0, 8);
  const workDir = mkdtempSync(join(tmpdir(), "coffer-bench-"));
  const databases = { files: `bench_files_${run}`, notifications: `bench_notifications_${run}` };
  const admin = new pg.Client({ connectionString: env.PG_ADMIN_URL });
  await admin.connect();
  for (const name of Object.values(databases)) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const fileDatabaseUrl = databaseUrl(env.PG_ADMIN_URL!, databases.files);
  const mongoUrl = Object.assign(new URL(env.MONGO_URL!), { pathname: `/bench_customers_${run}` }).toString();
  const bucket = `bench-${run}`;
  const [customer, file, notification, gateway] = await Promise.all([0, 1, 2, 3].map(freePort));
  const platform = await startPlatform({
    ports: { customer: customer!, file: file!, notification: notification!, gateway: gateway! },
    infraEnv: env,
    keysDir: join(workDir, "keys"),
    kongFile: join(workDir, "kong.yml"),
    env: {
      customer: {
        MONGO_URL: mongoUrl,
        LOG_LEVEL: "warn",
        ACCESS_TOKEN_TTL_SECONDS: "3600",
        LOGIN_MAX_FAILURES_PER_CLIENT: "1000000",
        ...(process.env.BENCH_CUSTOMER_SERVICE_NODE_OPTIONS
          ? { NODE_OPTIONS: process.env.BENCH_CUSTOMER_SERVICE_NODE_OPTIONS }
          : {}),
      },
      file: {
        DATABASE_URL: fileDatabaseUrl,
        LOG_LEVEL: "warn",
        MINIO_BUCKET: bucket,
        CONSUMER_GROUP: `bench-file-service-${run}`,
        CONSUMER_FROM_BEGINNING: "false",
        DEFAULT_QUOTA_BYTES: String(1024 * 2 ** 30),
        MAX_VERSIONS: "1",
        ...(process.env.BENCH_FILE_SERVICE_NODE_OPTIONS
          ? { NODE_OPTIONS: process.env.BENCH_FILE_SERVICE_NODE_OPTIONS }
          : {}),
      },
      notification: {
        DATABASE_URL: databaseUrl(env.PG_ADMIN_URL!, databases.notifications),
        LOG_LEVEL: "warn",
        CONSUMER_GROUP: `bench-notification-service-${run}`,
        CONSUMER_FROM_BEGINNING: "false",
      },
      gateway: {
        LOG_LEVEL: "warn",
        ...(process.env.BENCH_GATEWAY_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_GATEWAY_NODE_OPTIONS } : {}),
      },
    },
    onLine: (name, line) => {
      // Only what stops a service: the shared topics carry other environments' events, which
      // this platform's consumers dead-letter (their secrets use other keys).
      if (/"level":60/.test(line)) console.error(`${name}: ${line}`);
    },
  });
  const customerUrl = `http://127.0.0.1:${customer}`;
  const minio = createMinioClient(env);

  const post = (path: string, body: object) =>
    fetch(`${customerUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const mongo = await mongoose.createConnection(mongoUrl).asPromise();
  async function register() {
    const email = `bench-${randomUUID()}@example.com`;
    const response = await post("/auth/register", { email, password: PASSWORD, displayName: "Bench" });
    if (!response.ok) throw new Error(`register answered ${response.status}: ${await response.text()}`);
    // The outbox relay marks the registration's events published by rewriting the document
    // (FerretDB v1 applies an update as read, modify, write): verified before, it would be undone.
    const customers = mongo.collection("customers");
    while ((await customers.findOne({ email }))?.outboxPending !== false) await setTimeout(50);
    await customers.updateOne({ email }, { $set: { emailVerifiedAt: new Date() } });
    return { email, password: PASSWORD };
  }
  const defaultEmail = (await register()).email;
  async function login(email = defaultEmail) {
    const response = await post("/auth/login", { email, password: PASSWORD });
    if (!response.ok) throw new Error(`login answered ${response.status}: ${await response.text()}`);
    const { accessToken } = (await response.json()) as { accessToken: string };
    const claims = JSON.parse(Buffer.from(accessToken.split(".")[1]!, "base64url").toString()) as { sub: string };
    return { token: accessToken, customerId: claims.sub };
  }

  return {
    gatewayUrl: platform.gatewayUrl,
    customerUrl,
    fileUrl: `http://127.0.0.1:${file}`,
    pids: platform.pids,
    fileDatabaseUrl,
    mongoUrl,
    bucket,
    minio,
    login,
    register,
    async stop() {
      await platform.stop();
      await mongo.dropDatabase();
      await mongo.close();
      const names: string[] = [];
      for await (const item of minio.listObjectsV2(bucket, "", true)) if (item.name) names.push(item.name);
      for (let i = 0; i < names.length; i += 1000) await minio.removeObjects(bucket, names.slice(i, i + 1000));
      // tus leaves unfinished multipart uploads only when a run is cut short
      await minio.removeBucket(bucket).catch(() => undefined);
      const client = new pg.Client({ connectionString: env.PG_ADMIN_URL });
      await client.connect();
      for (const name of Object.values(databases)) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
