import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TOPICS } from "@coffer/contracts";
import {
  createEventTap,
  createOtlpReceiver,
  createTestDatabase,
  freePort,
  readInfraEnv,
  waitForMail,
  type EventTap,
  type OtlpReceiver,
  type ReceivedSpan,
  type TestDatabase,
} from "@coffer/contracts/testing";
import mongoose from "mongoose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startPlatform, type Platform } from "../../infra/bin/platform.mjs";
import { removeBucket, untilConsumersListen } from "./global-setup.js";
import { createClient, verifyByMail } from "./support.js";

const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

// A platform of its own, traced, exporting to a receiver in this process (the shared one runs untraced).
const run = randomUUID().slice(0, 8);
const infraEnv = readInfraEnv();
const workDir = mkdtempSync(join(tmpdir(), "coffer-traces-"));
const bucket = `traces-${run}`;
const mongoUrl = Object.assign(new URL(infraEnv.MONGO_URL!), { pathname: `/traces_customers_${run}` }).toString();
const logLines: { name: string; line: string }[] = [];
let receiver: OtlpReceiver;
let platform: Platform;
let databases: TestDatabase[];
let tap: EventTap;

beforeAll(async () => {
  receiver = await createOtlpReceiver();
  databases = await Promise.all([createTestDatabase(), createTestDatabase()]);
  const [files, notifications] = databases as [TestDatabase, TestDatabase];
  const tracing = {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_BSP_SCHEDULE_DELAY: "200",
  };
  const [customer, file, notification, gateway] = await Promise.all([0, 1, 2, 3].map(() => freePort()));
  platform = await startPlatform({
    ports: { customer: customer!, file: file!, notification: notification!, gateway: gateway! },
    infraEnv,
    keysDir: join(workDir, "keys"),
    kongFile: join(workDir, "kong.yml"),
    env: {
      customer: { ...tracing, MONGO_URL: mongoUrl },
      file: {
        ...tracing,
        DATABASE_URL: files.url,
        MINIO_BUCKET: bucket,
        CONSUMER_GROUP: `traces-file-service-${run}`,
        CONSUMER_FROM_BEGINNING: "false",
      },
      notification: {
        ...tracing,
        DATABASE_URL: notifications.url,
        CONSUMER_GROUP: `traces-notification-service-${run}`,
        CONSUMER_FROM_BEGINNING: "false",
      },
      gateway: tracing,
    },
    onLine: (name, line) => void logLines.push({ name, line }),
  });
  await untilConsumersListen(infraEnv, [files.url, notifications.url]);
  tap = await createEventTap([TOPICS.shareCreated]);
}, 180_000);

afterAll(async () => {
  await tap?.close();
  await platform?.stop();
  await receiver?.close();
  await Promise.all((databases ?? []).map((db) => db.drop()));
  const mongo = await mongoose.createConnection(mongoUrl).asPromise();
  await mongo.dropDatabase();
  await mongo.close();
  await removeBucket(infraEnv, bucket);
  rmSync(workDir, { recursive: true, force: true });
});

/** The spans of one trace received so far. */
function traceOf(traceId: string): ReceivedSpan[] {
  return receiver.spans().filter((span) => span.traceId === traceId);
}

function serverSpan(service: string, method: string, route: string): ReceivedSpan {
  const span = receiver
    .spans()
    .find((s) => s.service === service && s.kind === SERVER && s.name === `${method} ${route}`);
  if (!span) throw new Error(`no ${method} ${route} span from ${service} yet`);
  return span;
}

describe("traces across HTTP, the outbox, Kafka and SMTP", () => {
  it("when a file is uploaded and shared with a recipient, then the share request's trace reaches the consumer and the SMTP send, its log line and Kafka record carry its trace", async () => {
    const correlationId = `traces-${randomUUID()}`;
    const send = createClient(platform.gatewayUrl, { correlationId });
    const email = `traces-${randomUUID()}@example.com`;
    const password = "a long and careful passphrase";
    const registered = await send("POST", "/auth/register", { json: { email, password, displayName: "Tracy" } });
    expect(registered.status).toBe(201);
    const customerId = registered.json<{ id: string }>().id;
    await verifyByMail(send, email, password);
    const login = await send("POST", "/auth/login", { json: { email, password } });
    expect(login.status).toBe(200);
    const token = login.json<{ accessToken: string }>().accessToken;

    const boundary = `----coffer${randomUUID()}`;
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="traced.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      randomBytes(4096),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const uploaded = await send("POST", "/files", {
      token,
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(uploaded.status).toBe(201);
    const fileId = uploaded.json<{ id: string }>().id;

    const recipient = `traces-recipient-${randomUUID()}@example.com`;
    const shared = await send("POST", `/files/${fileId}/shares`, { token, json: { recipients: [recipient] } });
    expect(shared.status).toBe(201);
    await waitForMail(recipient, /./);

    // The upload's trace: the request in file-service, its SQL and its MinIO calls.
    const upload = await vi.waitFor(() => serverSpan("file-service", "POST", "/files"), { timeout: 20_000 });
    const uploadTrace = traceOf(upload.traceId);
    const attribute = (span: ReceivedSpan, ...names: string[]) => names.map((n) => span.attributes[n]).find(Boolean);
    expect(
      uploadTrace.some(
        (s) => s.service === "file-service" && attribute(s, "db.system.name", "db.system") === "postgresql",
      ),
    ).toBe(true);
    const minioPort = Number(new URL(infraEnv.MINIO_ENDPOINT!).port);
    expect(
      uploadTrace.some(
        (s) =>
          s.service === "file-service" &&
          s.kind === CLIENT &&
          attribute(s, "server.port", "net.peer.port") === minioPort,
      ),
    ).toBe(true);

    // The share's trace, from the gateway through file-service, the outbox, Kafka and notification-service to SMTP.
    const share = await vi.waitFor(() => serverSpan("file-service", "POST", "/files/:id/shares"), { timeout: 20_000 });
    const spans = await vi.waitFor(
      () => {
        // Each service exports its spans in batches of its own: the publish may arrive after the SMTP send.
        const trace = traceOf(share.traceId);
        for (const name of ["smtp send", `${TOPICS.shareCreated} publish`, `${TOPICS.shareCreated} process`])
          if (!trace.some((s) => s.name === name)) throw new Error(`no "${name}" span in the share's trace yet`);
        return trace;
      },
      { timeout: 20_000 },
    );
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const producer = spans.find((s) => s.kind === PRODUCER && s.name === `${TOPICS.shareCreated} publish`)!;
    expect(producer.service).toBe("file-service");
    const consumer = spans.find(
      (s) => s.kind === CONSUMER && s.name === `${TOPICS.shareCreated} process` && s.service === "notification-service",
    )!;
    expect(consumer.parentSpanId).toBe(producer.spanId);
    const smtp = spans.find((s) => s.name === "smtp send")!;
    expect(smtp.service).toBe("notification-service");
    const ancestors = (span: ReceivedSpan): string[] =>
      span.parentSpanId && byId.has(span.parentSpanId)
        ? [span.parentSpanId, ...ancestors(byId.get(span.parentSpanId)!)]
        : [];
    expect(ancestors(smtp)).toContain(consumer.spanId);
    expect(ancestors(producer)).toContain(share.spanId);
    expect(spans.some((s) => s.service === "gateway" && s.kind === SERVER)).toBe(true);

    // The record as Kafka carried it: the producer span's context beside the correlation id.
    const [headers] = tap.headersOf(TOPICS.shareCreated, customerId);
    expect(headers).toMatchObject({
      "correlation-id": correlationId,
      traceparent: `00-${share.traceId}-${producer.spanId}-01`,
    });

    // The request's log lines carry its trace.
    const logged = logLines
      .filter(({ name, line }) => name === "file-service" && line.startsWith("{"))
      .map(({ line }) => JSON.parse(line) as { req?: { url?: string }; traceId?: string })
      .filter((entry) => entry.req?.url === `/files/${fileId}/shares`);
    expect(logged.length).toBeGreaterThan(0);
    for (const entry of logged) expect(entry.traceId).toBe(share.traceId);
  });
});
