// The notification pipeline under load: events through notification-service's consumer with an
// e-mail each (MailHog), measured from the event's creation to the SMTP server's acceptance.
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import nodemailer from "nodemailer";
import { pino } from "pino";
import pg from "pg";
import {
  TOPICS,
  createEvent,
  createEventPublisher,
  createEventRegistry,
  createKafka,
  serializeEvent,
  type PendingEvent,
} from "@coffer/contracts";
import { buildApp } from "../notification-service/src/app.js";
import { loadConfig } from "../notification-service/src/config.js";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 500);
const CUSTOMERS = 50;
const logger = pino({ level: "warn" });

const adminUrl = process.env.PG_ADMIN_URL!;
const database = `bench_${randomUUID().replaceAll("-", "")}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
const url = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();

const app = await buildApp(
  loadConfig({
    ...process.env,
    PORT: "0",
    LOG_LEVEL: "warn",
    DATABASE_URL: url,
    CONSUMER_GROUP: `bench-${randomUUID()}`,
    CONSUMER_FROM_BEGINNING: "false",
  }),
);
const pool = new pg.Pool({ connectionString: url });
pool.on("error", () => undefined);
const publisher = createEventPublisher(
  createKafka({ clientId: "bench", brokers: process.env.KAFKA_BROKERS!.split(","), logger }),
  createEventRegistry(process.env.SCHEMA_REGISTRY_URL!),
);
const pending = <T extends Parameters<typeof serializeEvent>[0]>(
  topic: T,
  event: Parameters<typeof serializeEvent>[1],
): PendingEvent => ({
  eventId: event.eventId,
  topic,
  key: event.customerId,
  payload: serializeEvent(topic, event),
  headers: { "event-type": topic, "correlation-id": "bench" },
});
const context = { correlationId: "bench", producer: "bench" };

// Verified customers first (their welcome mails are not measured).
const customers = Array.from({ length: CUSTOMERS }, () => ({
  customerId: randomUUID(),
  email: `bench-${randomUUID()}@example.com`,
}));
const until = async (condition: () => Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};
const marker = createEvent(
  TOPICS.customerRegistered,
  { customerId: randomUUID(), email: "m@example.com", displayName: "M", locale: "en" },
  context,
);
await until(async () => {
  await publisher.publish([pending(TOPICS.customerRegistered, { ...marker, eventId: randomUUID() })]);
  return ((await pool.query("SELECT 1 FROM customers WHERE id = $1", [marker.customerId])).rowCount ?? 0) > 0;
}, 30_000);
await publisher.publish(
  customers.flatMap((c) => [
    pending(
      TOPICS.customerRegistered,
      createEvent(TOPICS.customerRegistered, { ...c, displayName: "Bench", locale: "en" }, context),
    ),
    pending(TOPICS.customerEmailVerified, createEvent(TOPICS.customerEmailVerified, c, context)),
  ]),
);
await until(
  async () =>
    (await pool.query("SELECT count(*)::int AS n FROM deliveries WHERE kind = 'welcome' AND status = 'sent'")).rows[0]
      .n >= CUSTOMERS,
  120_000,
);

const events = Array.from({ length: EVENTS }, (_, i) =>
  createEvent(TOPICS.customerPasswordChanged, customers[i % CUSTOMERS]!, context),
);
const started = Date.now();
for (let i = 0; i < events.length; i += 50) {
  await publisher.publish(events.slice(i, i + 50).map((e) => pending(TOPICS.customerPasswordChanged, e)));
}
await until(
  async () =>
    (await pool.query("SELECT count(*)::int AS n FROM deliveries WHERE kind = 'password-changed' AND status = 'sent'"))
      .rows[0].n >= EVENTS,
  300_000,
);
const { rows } = await pool.query<{ event_id: string; sent_at: Date }>(
  "SELECT event_id, sent_at FROM deliveries WHERE kind = 'password-changed' AND status = 'sent'",
);
const occurred = new Map(events.map((e) => [e.eventId, e.occurredAt.getTime()]));
const latencies = rows.map((r) => r.sent_at.getTime() - occurred.get(r.event_id)!).sort((a, b) => a - b);
const seconds = (Math.max(...rows.map((r) => r.sent_at.getTime())) - started) / 1000;
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;

// Baseline in the same run: the same number of mails sent straight to the SMTP server by as
// many concurrent senders as the consumer has partitions in flight (3).
const transport = nodemailer.createTransport(process.env.SMTP_URL!, { pool: true, maxConnections: 3 } as never);
const baselineStarted = Date.now();
let sent = 0;
await Promise.all(
  Array.from({ length: 3 }, async () => {
    while (sent < EVENTS) {
      sent += 1;
      await transport.sendMail({
        from: "bench@example.com",
        to: "baseline@example.com",
        subject: "baseline",
        text: "x",
        html: "<p>x</p>",
      });
    }
  }),
);
transport.close();
const baselinePerSecond = EVENTS / ((Date.now() - baselineStarted) / 1000);

await app.close();
await publisher.close();
await pool.end();
await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
await admin.end();

const result = {
  benchmark: "notification pipeline: event → e-mail accepted by SMTP",
  events: EVENTS,
  eventsPerSecond: +(EVENTS / seconds).toFixed(1),
  smtpBaselinePerSecond: +baselinePerSecond.toFixed(1),
  ratioToSmtpBaseline: +(EVENTS / seconds / baselinePerSecond).toFixed(2),
  p50Ms: at(0.5),
  p99Ms: at(0.99),
  machine: { cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  at: new Date().toISOString(),
};
console.log(`\n${result.benchmark} (${EVENTS} password-changed events, ${CUSTOMERS} customers, MailHog)`);
console.table({
  pipeline: { "events/s": result.eventsPerSecond, p50Ms: result.p50Ms, p99Ms: result.p99Ms },
  "SMTP alone (3 senders)": { "events/s": result.smtpBaselinePerSecond },
});
console.log(`ratio to the SMTP server's own rate: ${result.ratioToSmtpBaseline}`);
const dir = new URL("results/", import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL(`${result.at.slice(0, 10)}-notifications.json`, dir), `${JSON.stringify(result, null, 2)}\n`);
