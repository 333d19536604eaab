import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createEventRegistry, createKafka, type EventMap, type Topic } from "@coffer/contracts";
import { createTestDatabase, freePort, mailsTo, readInfraEnv } from "@coffer/contracts/testing";
import * as Minio from "minio";
import mongoose from "mongoose";
import type pg from "pg";
import { pino } from "pino";
import { vi } from "vitest";

const root = new URL("../", import.meta.url).pathname;
const execFileAsync = promisify(execFile);

export type ServiceName = "customer-service" | "file-service" | "notification-service";

/** The fault: `infra kill|down|up <component>` on the drills' own servers (COFFER_STATE_DIR, COFFER_*_PORT). */
export async function infra(command: "kill" | "down" | "up", component: string): Promise<void> {
  await execFileAsync(`${root}infra/bin/infra`, [command, component]);
}

export type Service = {
  url: string;
  /** SIGKILL, as a crash: no graceful close, nothing flushed. */
  kill(): Promise<void>;
  /** Starts it again on the same port and waits until `ready` answers (default /health/ready). */
  start(ready?: "live" | "ready"): Promise<void>;
  stop(): Promise<void>;
};

/**
 * The three services, each a child process of the drill (from dist/, as `make dev` runs them) so
 * a drill can kill one and start it again; each with databases, a bucket and consumer groups of
 * its own, so runs do not see each other's rows. The drills call the services directly: the
 * gateway's per-address rate limits would answer 429 long before a drill's traffic is done.
 */
export async function startDrillPlatform() {
  const infraEnv = readInfraEnv();
  const run = randomUUID().slice(0, 8);
  const workDir = mkdtempSync(join(tmpdir(), "coffer-drills-"));
  const logDir = join(workDir, "logs");
  mkdirSync(logDir);
  const filesDatabase = await createTestDatabase();
  const notificationsDatabase = await createTestDatabase();
  const mongoUrl = Object.assign(new URL(infraEnv.MONGO_URL!), { pathname: `/drills_customers_${run}` }).toString();
  const bucket = `drills-${run}`;
  const mailDomain = `${run}.drills.invalid`;
  const [customerPort, filePort, notificationPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const customerUrl = `http://127.0.0.1:${customerPort}`;
  const common = {
    ...infraEnv,
    LOG_LEVEL: "warn",
    JWT_KEYS_DIR: join(workDir, "keys"),
    JWKS_URL: `${customerUrl}/.well-known/jwks.json`,
  };
  const envs: Record<ServiceName, Record<string, string>> = {
    "customer-service": { ...common, PORT: String(customerPort), MONGO_URL: mongoUrl, JWT_GENERATE_KEY: "true" },
    "file-service": {
      ...common,
      PORT: String(filePort),
      DATABASE_URL: filesDatabase.url,
      MINIO_BUCKET: bucket,
      CONSUMER_GROUP: `drills-file-service-${run}`,
      CONSUMER_FROM_BEGINNING: "false",
      // The drills mail hundreds of share links for one customer: far past the anti-relay limits.
      SHARES_PER_HOUR: "10000",
      SHARE_RECIPIENTS_PER_DAY: "10000",
      // Drill 1 keeps six uploads of one customer in flight.
      MAX_UPLOADS_PER_CUSTOMER: "16",
    },
    "notification-service": {
      ...common,
      PORT: String(notificationPort),
      DATABASE_URL: notificationsDatabase.url,
      CONSUMER_GROUP: `drills-notification-service-${run}`,
      CONSUMER_FROM_BEGINNING: "false",
      MAIL_FROM: `Coffer drills <drills@${mailDomain}>`,
    },
  };

  function createService(name: ServiceName): Service {
    const url = `http://127.0.0.1:${envs[name].PORT}`;
    const log = createWriteStream(join(logDir, `${name}.log`), { flags: "a" });
    let child: ChildProcess | undefined;
    const exited = () =>
      new Promise<void>((resolve) =>
        child!.exitCode !== null || child!.signalCode !== null ? resolve() : child!.once("exit", () => resolve()),
      );
    return {
      url,
      async start(ready = "ready") {
        child = spawn(process.execPath, ["--enable-source-maps", `${root}${name}/dist/main.js`], {
          env: { ...process.env, ...envs[name] },
          stdio: ["ignore", "pipe", "pipe"],
        });
        child.stdout!.pipe(log, { end: false });
        child.stderr!.pipe(log, { end: false });
        const current = child;
        await vi.waitFor(
          async () => {
            if (current.exitCode !== null) throw new Error(`${name} exited (${current.exitCode}); see ${logDir}`);
            const answer = await fetch(`${url}/health/${ready}`, { signal: AbortSignal.timeout(2000) });
            if (!answer.ok) throw new Error(`${name} is not ${ready}: ${answer.status} ${await answer.text()}`);
          },
          { timeout: 90_000, interval: 250 },
        );
      },
      async kill() {
        if (!child) return;
        child.kill("SIGKILL");
        await exited();
      },
      async stop() {
        if (!child) return;
        child.kill("SIGTERM");
        await exited();
      },
    };
  }

  const services = {
    customer: createService("customer-service"),
    file: createService("file-service"),
    notification: createService("notification-service"),
  };
  const filesDb = filesDatabase.pool;
  const notificationsDb = notificationsDatabase.pool;
  try {
    // The migrations once, before any instance starts, as a deployment runs them.
    for (const name of ["file-service", "notification-service"] as const) {
      await execFileAsync(process.execPath, [`${root}${name}/dist/migrate.js`], {
        env: { ...process.env, ...envs[name] },
      });
    }
    // Customer-service first: it writes the signing key the others read through its JWKS.
    await services.customer.start();
    await Promise.all([services.file.start(), services.notification.start()]);
    await untilConsumersListen(services.customer.url, mailDomain, [filesDb, notificationsDb]);
  } catch (error) {
    await Promise.all(Object.values(services).map((s) => s.stop()));
    throw error;
  }

  const endpoint = new URL(infraEnv.MINIO_ENDPOINT!);
  const minio = new Minio.Client({
    endPoint: endpoint.hostname,
    port: Number(endpoint.port),
    useSSL: false,
    accessKey: infraEnv.MINIO_ACCESS_KEY!,
    secretKey: infraEnv.MINIO_SECRET_KEY!,
  });

  return {
    infraEnv,
    run,
    logDir,
    bucket,
    mailDomain,
    mongoUrl,
    services,
    filesDb,
    notificationsDb,
    minio,
    async stop() {
      await Promise.all(Object.values(services).map((s) => s.stop()));
      await Promise.all([filesDatabase.drop(), notificationsDatabase.drop()]);
      const mongo = await mongoose.createConnection(mongoUrl).asPromise();
      await mongo.dropDatabase();
      await mongo.close();
      const names = await objectKeys(minio, bucket, "");
      if (names.length > 0) await minio.removeObjects(bucket, names);
      await minio.removeBucket(bucket).catch(() => undefined);
      if (!process.env.DRILLS_KEEP_LOGS) rmSync(workDir, { recursive: true, force: true });
      else console.log(`drill logs kept in ${logDir}`);
    },
  };
}

/**
 * New consumer groups start at the end of their topics once they have fetched: an event caused
 * before that would be skipped. A marker customer, seen by both consumers, says they are reading.
 */
async function untilConsumersListen(customerUrl: string, mailDomain: string, pools: pg.Pool[]): Promise<void> {
  await vi.waitFor(
    async () => {
      const email = `marker-${randomUUID().slice(0, 8)}@${mailDomain}`;
      const marker = await send(`${customerUrl}/auth/register`, {
        json: { email, password: `marker-${randomUUID()}`, displayName: "Marker" },
      });
      if (marker.status !== 201) throw new Error(`registering the marker answered ${marker.status}`);
      await vi.waitFor(
        async () => {
          for (const pool of pools) {
            const { rowCount } = await pool.query("SELECT 1 FROM customers WHERE id = $1", [marker.body.id]);
            if (rowCount !== 1) throw new Error("the consumers are not reading yet");
          }
        },
        { timeout: 3000, interval: 200 },
      );
    },
    { timeout: 90_000, interval: 0 },
  );
}

export type DrillPlatform = Awaited<ReturnType<typeof startDrillPlatform>>;

export async function objectKeys(minio: Minio.Client, bucket: string, prefix: string): Promise<string[]> {
  const names: string[] = [];
  for await (const item of minio.listObjectsV2(bucket, prefix, true)) if (item.name) names.push(item.name);
  return names;
}

export type Answer = { status: number; body: Record<string, unknown> };

/** One HTTP request; a refused connection is an answer too (status 0), so a drill can count it. */
export async function send(
  url: string,
  init: {
    method?: string;
    token?: string;
    json?: unknown;
    body?: NonNullable<RequestInit["body"]>;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.json !== undefined) headers["content-type"] = "application/json";
  try {
    const response = await fetch(url, {
      method: init.method ?? (init.json !== undefined || init.body ? "POST" : "GET"),
      headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = { text };
    }
    return { status: response.status, body };
  } catch (error) {
    return { status: 0, body: { error: String(error) } };
  }
}

/** A multipart upload of `content` as `name`. */
export function upload(fileUrl: string, token: string, name: string, content: Buffer): Promise<Answer> {
  const form = new FormData();
  form.append("file", new Blob([content], { type: "application/octet-stream" }), name);
  return send(`${fileUrl}/files`, { method: "POST", token, body: form });
}

/** A verified customer with a fresh access token: register, open the verification mail, verify, log in. */
export async function createCustomer(platform: DrillPlatform, label: string) {
  const email = `${label}-${randomUUID().slice(0, 6)}@${platform.mailDomain}`;
  const password = `drill-${randomUUID()}`;
  const base = platform.services.customer.url;
  const registered = await send(`${base}/auth/register`, { json: { email, password, displayName: label } });
  if (registered.status !== 201) throw new Error(`register answered ${registered.status}`);
  const token = await vi.waitFor(
    async () => {
      const body = (await mailsTo(email)).map((m) => m.text).join("\n");
      const match = /verify-email\?token=([^\s"&<]+)/.exec(body);
      if (!match) throw new Error(`no verification mail to ${email} yet`);
      return decodeURIComponent(match[1]!);
    },
    { timeout: 60_000, interval: 250 },
  );
  const verified = await send(`${base}/auth/verify-email`, { json: { token, password } });
  if (verified.status !== 204) throw new Error(`verify-email answered ${verified.status}`);
  const login = await send(`${base}/auth/login`, { json: { email, password } });
  if (login.status !== 200) throw new Error(`login answered ${login.status}`);
  const accessToken = login.body.accessToken as string;
  const customerId = JSON.parse(Buffer.from(accessToken.split(".")[1]!, "base64url").toString()).sub as string;
  // file-service learns of the customer from customer.registered: wait until it has.
  await vi.waitFor(
    async () => {
      const { rowCount } = await platform.filesDb.query("SELECT 1 FROM customers WHERE id = $1", [customerId]);
      if (rowCount !== 1) throw new Error("file-service does not know the customer yet");
    },
    { timeout: 60_000, interval: 250 },
  );
  return { email, password, customerId, accessToken };
}

/** Every record of a topic whose key is `key`, decoded, read from the beginning to the current end. */
export async function recordsOf<T extends Topic>(
  infraEnv: Record<string, string>,
  topic: T,
  key: string,
): Promise<EventMap[T][]> {
  const kafka = createKafka({
    clientId: "drills",
    brokers: infraEnv.KAFKA_BROKERS!.split(","),
    logger: pino({ level: "warn" }),
  });
  const registry = createEventRegistry(infraEnv.SCHEMA_REGISTRY_URL!);
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(ends.filter((p) => Number(p.high) > 0).map((p) => [p.partition, Number(p.high)]));
  const records: EventMap[T][] = [];
  if (remaining.size === 0) return records;
  const consumer = kafka.consumer({ groupId: `drills-reader-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const done = new Promise<void>((resolve, reject) => {
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        try {
          if (message.key?.toString() === key) records.push(await registry.decode(topic, message.value));
          if (Number(message.offset) + 1 >= (remaining.get(partition) ?? 0)) remaining.delete(partition);
          if (remaining.size === 0) resolve();
        } catch (error) {
          reject(error as Error);
        }
      },
    });
  });
  await done;
  await consumer.disconnect();
  return records;
}

/** Prints how long a drill took; the README's Reliability section quotes these lines. */
export function createTimer(drill: string) {
  const started = performance.now();
  return (outcome: string) =>
    console.log(`[drill] ${drill}: ${outcome} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

/** Runs `task` over `items` with at most `concurrency` at a time, in order of the items. */
export async function inParallel<I, R>(
  items: readonly I[],
  concurrency: number,
  task: (item: I, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index]!, index);
      }
    }),
  );
  return results;
}

/** How many mails MailHog holds for each recipient whose address starts with `prefix`, in the run's domain. */
/** The Message-ID of every copy MailHog received, by recipient (those starting with `prefix`). */
export async function messageIdsByRecipient(platform: DrillPlatform, prefix: string): Promise<Map<string, string[]>> {
  const copies = new Map<string, string[]>();
  for (const { to, messageId } of await mailsTo(platform.mailDomain)) {
    const address = /[^\s<>]+@[^\s<>]+/.exec(to)?.[0] ?? to;
    if (address.startsWith(prefix)) copies.set(address, [...(copies.get(address) ?? []), messageId]);
  }
  return copies;
}

/** One share link of the file per recipient, each mailed to its one recipient: `count` share.created events. */
export function shareWithRecipients(
  platform: DrillPlatform,
  customer: { accessToken: string },
  fileId: string,
  recipients: readonly string[],
  concurrency: number,
  onAnswer: (answered: number) => void = () => undefined,
): Promise<Answer[]> {
  let answered = 0;
  return inParallel(recipients, concurrency, async (recipient) => {
    const answer = await send(`${platform.services.file.url}/files/${fileId}/shares`, {
      token: customer.accessToken,
      json: { recipients: [recipient] },
    });
    onAnswer((answered += 1));
    return answer;
  });
}

/** `count` addresses of the run's mail domain starting with `prefix`. */
export const recipientsOf = (platform: DrillPlatform, prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}${i}@${platform.mailDomain}`);
