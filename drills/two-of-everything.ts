import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, type WriteStream } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createTcpPath } from "@coffer/contracts/testing";
import * as Minio from "minio";
import pg from "pg";
import { vi } from "vitest";
import { startPlatform, topologyEnv, type Platform } from "../infra/bin/platform.mjs";

/**
 * Drill 8's topology, on servers of its own (its own state directory and ports, whatever else runs):
 * `infra up` with COFFER_TOPOLOGY=ha — three Kafka brokers, PgBouncer in transaction mode, Redis and
 * the rest — and, through the launcher `make dev` uses, two instances of each service and two
 * development gateways balancing over them (kong.yml's upstreams). Every check is made from outside.
 */

const root = new URL("../", import.meta.url).pathname;
const execFileAsync = promisify(execFile);

const BASE = Number(process.env.COFFER_DRILL8_PORT_BASE ?? 24000);
/** The servers' ports, from BASE: Kafka's three nodes take +92…+97. */
const SERVER_PORTS = {
  COFFER_KAFKA_PORT: BASE + 92,
  COFFER_KAFKA_CONTROLLER_PORT: BASE + 93,
  COFFER_REGISTRY_PORT: BASE + 81,
  COFFER_PG_PORT: BASE + 432,
  COFFER_PGBOUNCER_PORT: BASE + 632,
  COFFER_MONGO_PORT: BASE + 17,
  COFFER_MINIO_PORT: BASE + 900,
  COFFER_MINIO_CONSOLE_PORT: BASE + 901,
  COFFER_SMTP_PORT: BASE + 25,
  COFFER_MAILHOG_PORT: BASE + 825,
  COFFER_REDIS_PORT: BASE + 379,
};

/** `infra/bin/infra` on the drill's servers, never on those the process's environment points at. */
function infraEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Only what a shell needs: the addresses `with-infra` exported describe the other servers.
  for (const key of ["PATH", "HOME", "USER", "LANG", "XDG_CACHE_HOME", "COFFER_CACHE_DIR", "JAVA_HOME"])
    if (process.env[key] !== undefined) env[key] = process.env[key];
  return {
    ...env,
    ...Object.fromEntries(Object.entries(SERVER_PORTS).map(([key, port]) => [key, String(port)])),
    COFFER_TOPOLOGY: "ha",
    COFFER_STATE_DIR: process.env.COFFER_DRILL8_STATE_DIR ?? join(root, ".state", "drill-8"),
    COFFER_START_TIMEOUT: "300",
  };
}

export async function infra(command: "up" | "down" | "kill" | "env", ...components: string[]): Promise<string> {
  const { stdout } = await execFileAsync(`${root}infra/bin/infra`, [command, ...components], {
    env: infraEnvironment(),
    maxBuffer: 1 << 20,
  });
  return stdout;
}

/** file-service's upload lease here: a killed instance's reservations are reaped within about 1.5 of it. */
export const UPLOAD_LEASE_MS = 15_000;

/** file-service's sweep period here: long enough to count runs, short enough to see several. */
export const SWEEP_PERIOD_MS = 6000;

export const KAFKA_NODES = ["kafka-1", "kafka-2", "kafka-3"] as const;

/** Databases, bucket, groups and mail domain of this run; the servers are reused between runs. */
export async function startTwoOfEverything() {
  const started = (await infra("up")).split("\n").filter(Boolean);
  const infraEnv = Object.fromEntries(
    (await infra("env"))
      .trim()
      .split("\n")
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  ) as Record<string, string>;
  const run = randomUUID().slice(0, 8);
  const workDir = mkdtempSync(join(tmpdir(), "coffer-drill-8-"));
  const logDir = join(workDir, "logs");
  mkdirSync(logDir);
  const databases = { files: `drill8_files_${run}`, notifications: `drill8_notifications_${run}` };
  const admin = new pg.Client({ connectionString: infraEnv.PG_ADMIN_URL });
  await admin.connect();
  for (const name of Object.values(databases)) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const { databaseUrl, serviceEnv } = topologyEnv(infraEnv);
  const mailDomain = `${run}.drill8.invalid`;
  // MailHog keeps mail in memory, so SMTP is stopped for the notification instances by cutting this relay.
  const smtp = await createTcpPath(new URL(infraEnv.SMTP_URL!));
  const bucket = `drill8-${run}`;
  const ports = {
    customer: [BASE + 301, BASE + 311],
    file: [BASE + 302, BASE + 312],
    notification: [BASE + 303, BASE + 313],
    gateway: [BASE + 800, BASE + 801],
  };
  const logs = new Map<string, WriteStream>();
  const platform: Platform = await startPlatform({
    ports,
    infraEnv,
    keysDir: join(workDir, "keys"),
    kongFile: join(workDir, "kong.yml"),
    env: {
      customer: {
        ...serviceEnv,
        LOG_LEVEL: "warn",
        MONGO_URL: Object.assign(new URL(infraEnv.MONGO_URL!), { pathname: `/drill8_customers_${run}` }).toString(),
        JWT_GENERATE_KEY: "true",
      },
      file: {
        ...serviceEnv,
        ...databaseUrl(databases.files),
        LOG_LEVEL: "warn",
        MINIO_BUCKET: bucket,
        CONSUMER_GROUP: `drill8-file-service-${run}`,
        CONSUMER_FROM_BEGINNING: "false",
        SHARES_PER_HOUR: "10000",
        SHARE_RECIPIENTS_PER_DAY: "10000",
        SWEEP_INTERVAL_MS: String(SWEEP_PERIOD_MS),
        UPLOAD_LEASE_MS: String(UPLOAD_LEASE_MS),
      },
      notification: {
        ...serviceEnv,
        ...databaseUrl(databases.notifications),
        LOG_LEVEL: "warn",
        CONSUMER_GROUP: `drill8-notification-service-${run}`,
        CONSUMER_FROM_BEGINNING: "false",
        MAIL_FROM: `Coffer drill 8 <drills@${mailDomain}>`,
        SMTP_URL: smtp.url,
      },
      gateway: { LOG_LEVEL: "warn" },
    },
    onLine: (name, line) => {
      let log = logs.get(name);
      if (!log) logs.set(name, (log = createWriteStream(join(logDir, `${name}.log`), { flags: "a" })));
      log.write(`${line}\n`);
    },
    startTimeoutMs: 240_000,
  });
  // Straight to PostgreSQL: what the drill reads must not queue behind the services in PgBouncer.
  const direct = (name: string) => new pg.Pool({ connectionString: databaseUrl(name).DATABASE_LISTEN_URL, max: 4 });
  const filesDb = direct(databases.files);
  const notificationsDb = direct(databases.notifications);
  for (const pool of [filesDb, notificationsDb]) pool.on("error", () => undefined);
  const minioEndpoint = new URL(infraEnv.MINIO_ENDPOINT!);
  const minio = new Minio.Client({
    endPoint: minioEndpoint.hostname,
    port: Number(minioEndpoint.port),
    useSSL: false,
    accessKey: infraEnv.MINIO_ACCESS_KEY!,
    secretKey: infraEnv.MINIO_SECRET_KEY!,
  });

  return {
    infraEnv,
    run,
    mailDomain,
    platform,
    gateways: platform.gatewayUrls,
    services: {
      customer: ports.customer.map((port) => `http://127.0.0.1:${port}`),
      file: ports.file.map((port) => `http://127.0.0.1:${port}`),
      notification: ports.notification.map((port) => `http://127.0.0.1:${port}`),
    },
    filesDb,
    notificationsDb,
    smtp,
    bucket,
    minio,
    async stop() {
      await platform.stop();
      await smtp.close().catch(() => undefined);
      await Promise.all([filesDb.end(), notificationsDb.end()]);
      for (const log of logs.values()) log.end();
      const cleanup = new pg.Client({ connectionString: infraEnv.PG_ADMIN_URL });
      await cleanup.connect().catch(() => undefined);
      for (const name of Object.values(databases))
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await cleanup.end().catch(() => undefined);
      if (started.length > 0 && !process.env.COFFER_DRILL8_KEEP_SERVERS) await infra("down", ...started);
      if (!process.env.DRILLS_KEEP_LOGS) rmSync(workDir, { recursive: true, force: true });
      else console.log(`drill 8 logs kept in ${logDir}`);
    },
  };
}

export type TwoOfEverything = Awaited<ReturnType<typeof startTwoOfEverything>>;

export type Answer = { status: number; body: Record<string, unknown>; headers: Record<string, unknown> };

/**
 * One HTTP request from a loopback address of the caller's choice (`from`): the gateways limit
 * per address, so a drill's customers speak from addresses of their own, as separate people do.
 * A refused or cut connection is an answer too (status 0), so a drill can count it.
 */
export function send(
  url: string,
  init: {
    method?: string;
    token?: string;
    json?: unknown;
    body?: Buffer;
    headers?: Record<string, string>;
    from?: string;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const body = init.json !== undefined ? Buffer.from(JSON.stringify(init.json)) : init.body;
  if (init.json !== undefined) headers["content-type"] = "application/json";
  if (body) headers["content-length"] = String(body.length);
  return new Promise((resolve) => {
    const request = httpRequest(
      url,
      {
        method: init.method ?? (body ? "POST" : "GET"),
        headers,
        localAddress: init.from,
        timeout: 60_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", (error) => resolve({ status: 0, body: { error: String(error) }, headers: {} }));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: Record<string, unknown>;
          try {
            parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          } catch {
            parsed = { text };
          }
          resolve({ status: response.statusCode ?? 0, body: parsed, headers: response.headers });
        });
      },
    );
    request.on("timeout", () => request.destroy(new Error("timed out")));
    request.on("error", (error) => resolve({ status: 0, body: { error: String(error) }, headers: {} }));
    request.end(body);
  });
}

/** A multipart upload of `content` as `name`. */
export async function upload(
  base: string,
  token: string,
  name: string,
  content: Buffer,
  from?: string,
): Promise<Answer> {
  const form = new FormData();
  form.append("file", new Blob([content], { type: "application/octet-stream" }), name);
  const encoded = new Request("http://multipart.invalid/", { method: "POST", body: form });
  return send(`${base}/files`, {
    token,
    from,
    body: Buffer.from(await encoded.arrayBuffer()),
    headers: { "content-type": encoded.headers.get("content-type")! },
  });
}

/** The messages MailHog holds to addresses matching `query`. */
export async function mailsTo(
  env: TwoOfEverything,
  query: string,
): Promise<{ to: string; messageId: string; text: string }[]> {
  type Item = { Content: { Headers: Record<string, string[]>; Body: string } };
  const found: { to: string; messageId: string; text: string }[] = [];
  for (let start = 0; ; start += 250) {
    const url = new URL("/api/v2/search", env.infraEnv.MAILHOG_API_URL);
    url.search = new URLSearchParams({ kind: "to", query, start: String(start), limit: "250" }).toString();
    const { items, total } = (await (await fetch(url)).json()) as { items: Item[]; total: number };
    for (const { Content } of items)
      found.push({
        to: Content.Headers.To?.[0] ?? "",
        messageId: Content.Headers["Message-ID"]?.[0] ?? "",
        text: Content.Body.replace(/=\r?\n/g, "").replace(/=3D/g, "="),
      });
    if (items.length === 0 || start + items.length >= total) return found;
  }
}

/** A verified customer with an access token, made through the gateways from the address `from`. */
export async function createCustomer(env: TwoOfEverything, label: string, from: string) {
  const email = `${label}-${randomUUID().slice(0, 6)}@${env.mailDomain}`;
  const password = `drill-${randomUUID()}`;
  const [first, second] = env.gateways as [string, string];
  const registered = await send(`${first}/auth/register`, { from, json: { email, password, displayName: label } });
  if (registered.status !== 201)
    throw new Error(`register answered ${registered.status} ${JSON.stringify(registered.body)}`);
  const token = await vi.waitFor(
    async () => {
      const match = /verify-email\?token=([^\s"&<]+)/.exec((await mailsTo(env, email)).map((m) => m.text).join("\n"));
      if (!match) throw new Error(`no verification mail to ${email} yet`);
      return decodeURIComponent(match[1]!);
    },
    { timeout: 60_000, interval: 250 },
  );
  const verified = await send(`${second}/auth/verify-email`, { from, json: { token, password } });
  if (verified.status !== 204) throw new Error(`verify-email answered ${verified.status}`);
  const login = await send(`${first}/auth/login`, { from, json: { email, password } });
  if (login.status !== 200) throw new Error(`login answered ${login.status}`);
  const accessToken = login.body.accessToken as string;
  const customerId = JSON.parse(Buffer.from(accessToken.split(".")[1]!, "base64url").toString()).sub as string;
  await vi.waitFor(
    async () => {
      const { rowCount } = await env.filesDb.query("SELECT 1 FROM customers WHERE id = $1", [customerId]);
      if (rowCount !== 1) throw new Error("file-service does not know the customer yet");
    },
    { timeout: 60_000, interval: 250 },
  );
  return { email, password, customerId, accessToken, from };
}

/** The outbox rows still waiting to be published. */
export async function outboxSize(db: pg.Pool): Promise<number> {
  const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM event_outbox");
  return rows[0]!.n;
}
