// The notification pipeline, run after run against two baselines reading the same backlog from
// the same offsets, each timed from its consumer's group join to its last record done:
//   - the bare kafkajs consumer: eachMessage, doing nothing with a record (the ceiling);
//   - decode + insert: what any consumer storing these events must do at least: decodes every
//     record through the registry and writes one multi-row INSERT per fetched batch.
// The subject is notification-service itself: decode, customers and preferences (one query),
// the inbox items rendered from the templates, one statement per batch; its join is when
// buildApp returns (the runner's start waits for it), its end when the last inbox row is
// committed (seen by a count every 50 ms: the middle of the last two). file.uploaded events of
// many customers, so the per-customer keys spread over the topic's partitions (printed);
// BENCH_LOG_LEVEL=info prints the service's line per batch (events, ms).
// Then: the latency at half the measured capacity (a record's send time to its inbox row), the
// same figure at three backlog sizes, and mails per second against MailHog's own rate (the
// same mails sent straight to it over SMTP with nodemailer, as the service's pooled transport).
// The service is the compiled one (`make bench` builds first), as a deployment runs it.
import { randomUUID } from "node:crypto";
import type { EachBatchPayload, EachMessagePayload } from "kafkajs";
import nodemailer from "nodemailer";
import { pino } from "pino";
import pg from "pg";
import {
  TOPICS,
  createEvent,
  createEventPublisher,
  createEventRegistry,
  createFieldCipher,
  createKafka,
  fetchLimitsOf,
  parseFieldKeys,
  serializeEvent,
  type EventMap,
  type PendingEvent,
  type Topic,
} from "@coffer/contracts";
import { buildApp } from "../notification-service/dist/app.js";
import { loadConfig } from "../notification-service/dist/config.js";
import { loadTemplates } from "../notification-service/dist/mail/templates.js";
import { databaseUrl } from "./lib/platform.js";
import { median, percentile, round, type BenchResult, type Row } from "./lib/report.js";

export type NotificationOptions = {
  events: number;
  /** Backlog sizes for the growth row; `events` is measured `runs` times, each other size once. */
  sizes?: readonly number[];
  runs?: number;
  customers?: number;
  latencyEvents?: number;
  mails?: number;
};

const TOPIC = TOPICS.fileUploaded;
const logger = pino({ level: "warn" });
const context = { correlationId: "bench", producer: "bench" };

const pending = <T extends Topic>(topic: T, event: EventMap[T] & { customerId: string }): PendingEvent => ({
  eventId: event.eventId,
  topic,
  key: event.customerId,
  payload: serializeEvent(topic, event),
  headers: { "event-type": topic, "correlation-id": "bench" },
});

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const perSecond = (count: number, ms: number) => count / (ms / 1000);

export async function runNotifications(
  env: Record<string, string>,
  options: NotificationOptions,
): Promise<BenchResult> {
  const run = randomUUID().slice(0, 8);
  const database = `bench_notifications_${run}`;
  const admin = new pg.Client({ connectionString: env.PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = databaseUrl(env.PG_ADMIN_URL!, database);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on("error", () => undefined);
  const kafka = createKafka({ clientId: "bench", brokers: env.KAFKA_BROKERS!.split(","), logger });
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  const registry = createEventRegistry(env.SCHEMA_REGISTRY_URL!);
  const publisher = createEventPublisher(kafka, registry);
  const groupId = `bench-notification-service-${run}`;
  const config = loadConfig({
    ...env,
    PORT: "0",
    LOG_LEVEL: env.BENCH_LOG_LEVEL ?? "warn",
    DATABASE_URL: url,
    // A database of its own, made here: the service migrates it (a deployment runs the migrate command).
    MIGRATE_ON_START: "true",
    CONSUMER_GROUP: groupId,
    CONSUMER_FROM_BEGINNING: "false",
  });
  const baselineGroups: string[] = [];
  const count = async (sql: string) => (await pool.query(sql)).rows[0].n as number;

  let app = await buildApp(config);
  await app.listen({ host: "127.0.0.1", port: 0 });
  try {
    await pool.query(
      `CREATE TABLE bench_inbox (event_id uuid PRIMARY KEY, customer_id text NOT NULL, name text NOT NULL,
         created_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
    );
    // The customers are projected first, as they would be long before they upload anything; the
    // projection also says the new consumer group is reading.
    const customers = Array.from({ length: options.customers ?? 60 }, () => randomUUID());
    const registered = (customerId: string) =>
      createEvent(
        TOPICS.customerRegistered,
        { customerId, email: `bench-${customerId}@example.com`, displayName: "Bench", locale: "en" },
        context,
      );
    await until(
      async () => {
        await publisher.publish(customers.map((id) => pending(TOPICS.customerRegistered, registered(id))));
        return (await count("SELECT count(*)::int AS n FROM customers")) >= customers.length;
      },
      60_000,
      "notification-service to project the customers",
    );
    await app.close();

    let sequence = 0;
    const uploaded = () => {
      sequence += 1;
      return createEvent(
        TOPIC,
        {
          customerId: customers[sequence % customers.length]!,
          fileId: randomUUID(),
          folderId: randomUUID(),
          name: `holiday-${sequence}.jpg`,
          size: 1_000_000 + sequence,
          contentType: "image/jpeg",
          sha256: "0".repeat(64),
          version: 1,
        },
        context,
      );
    };

    /** Publishes a backlog of `events`; the offsets it spans, partition by partition. */
    async function backlog(events: number) {
      const start = await kafkaAdmin.fetchTopicOffsets(TOPIC);
      for (let i = 0; i < events; i += 500) {
        const batch = Array.from({ length: Math.min(500, events - i) }, uploaded);
        await publisher.publish(batch.map((e) => pending(TOPIC, e)));
      }
      const end = await kafkaAdmin.fetchTopicOffsets(TOPIC);
      const startOf = new Map(start.map(({ partition, offset }) => [partition, BigInt(offset)]));
      return {
        events,
        startOffsets: start.map(({ partition, offset }) => ({ partition, offset })),
        endOf: new Map(end.map(({ partition, high }) => [partition, BigInt(high)])),
        perPartition: end.map(({ partition, high }) => Number(BigInt(high) - startOf.get(partition)!)),
      };
    }
    type Backlog = Awaited<ReturnType<typeof backlog>>;

    /** A kafkajs consumer of its own group over the backlog; resolves with its events/s. */
    async function baseline(
      { startOffsets, endOf, events }: Backlog,
      handle: (messages: { partition: number; value: Buffer | null }[]) => Promise<void>,
      each: "eachMessage" | "eachBatch" = "eachBatch",
    ): Promise<number> {
      const group = `bench-baseline-${randomUUID().slice(0, 8)}`;
      baselineGroups.push(group);
      await kafkaAdmin.setOffsets({ groupId: group, topic: TOPIC, partitions: startOffsets });
      // The service's fetch sizes: the baselines differ from it only in what they do with a record.
      const consumer = kafka.consumer({ groupId: group, ...fetchLimitsOf(config.consumerFetchBytesPerPartition, 3) });
      await consumer.connect();
      await consumer.subscribe({ topic: TOPIC });
      let seen = 0;
      let last = 0;
      const joined = new Promise<number>((resolve) =>
        consumer.on(consumer.events.GROUP_JOIN, () => resolve(performance.now())),
      );
      const done = new Promise<void>((resolve) => {
        void consumer.run({
          partitionsConsumedConcurrently: 3,
          [each]: async ({ batch, partition, message }: Partial<EachBatchPayload & EachMessagePayload>) => {
            const messages = batch?.messages ?? [message!];
            const from = batch?.partition ?? partition!;
            const within = messages.filter((m) => BigInt(m.offset) < endOf.get(from)!);
            if (within.length === 0) return;
            await handle(within.map((m) => ({ partition: from, value: m.value })));
            last = performance.now();
            seen += within.length;
            if (seen >= events) resolve();
          },
        });
      });
      await done;
      await consumer.disconnect();
      return perSecond(events, last - (await joined));
    }

    const bare = (b: Backlog) => baseline(b, async () => undefined, "eachMessage");
    const decodeAndInsert = async (b: Backlog) => {
      await pool.query("TRUNCATE bench_inbox");
      return baseline(b, async (messages) => {
        const events = await Promise.all(messages.map((m) => registry.decode(TOPIC, m.value)));
        await pool.query(
          `INSERT INTO bench_inbox (event_id, customer_id, name)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`,
          [events.map((e) => e.eventId), events.map((e) => e.customerId), events.map((e) => e.name)],
        );
      });
    };

    async function service({ startOffsets, events }: Backlog): Promise<number> {
      await pool.query("TRUNCATE inbox");
      await kafkaAdmin.setOffsets({ groupId, topic: TOPIC, partitions: startOffsets });
      app = await buildApp(config);
      const joined = performance.now();
      await app.listen({ host: "127.0.0.1", port: 0 });
      // Each count sees what was committed when it started: the last row came between the two last counts.
      let before = joined;
      let now = joined;
      const deadline = joined + 900_000;
      for (;;) {
        now = performance.now();
        if ((await count("SELECT count(*)::int AS n FROM inbox")) >= events) break;
        if (now > deadline) throw new Error("timed out waiting for the inbox");
        before = now;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await app.close();
      return perSecond(events, (before + now) / 2 - joined);
    }

    const sizes = [...new Set([options.events, ...(options.sizes ?? [])])].sort((a, b) => a - b);
    const measured = new Map<
      number,
      { bare: number[]; decodeInsert: number[]; service: number[]; perPartition: number[] }
    >();
    for (const size of sizes) {
      const b = await backlog(size);
      const figures = { bare: [] as number[], decodeInsert: [] as number[], service: [] as number[] };
      for (let i = 0; i < (size === options.events ? (options.runs ?? 3) : 1); i += 1) {
        figures.bare.push(await bare(b));
        figures.decodeInsert.push(await decodeAndInsert(b));
        figures.service.push(await service(b));
      }
      measured.set(size, { ...figures, perPartition: b.perPartition });
    }
    const main = measured.get(options.events)!;

    // Steady load at half the measured capacity, in batches of 10, with the service caught up.
    app = await buildApp(config);
    await app.listen({ host: "127.0.0.1", port: 0 });
    const latencyEvents = options.latencyEvents ?? 2000;
    const rate = Math.min(...main.service) / 2;
    const before = await count("SELECT count(*)::int AS n FROM inbox");
    const sentAt = new Map<string, number>();
    const paced = performance.now();
    for (let i = 0; i < latencyEvents; i += 10) {
      const wait = paced + (i / rate) * 1000 - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const batch = Array.from({ length: 10 }, uploaded);
      const now = Date.now();
      for (const e of batch) sentAt.set(e.eventId, now);
      await publisher.publish(batch.map((e) => pending(TOPIC, e)));
    }
    await until(
      async () => (await count("SELECT count(*)::int AS n FROM inbox")) >= before + latencyEvents,
      120_000,
      "the paced events",
    );
    const { rows } = await pool.query<{ event_id: string; created_at: Date }>(
      "SELECT event_id, created_at FROM inbox WHERE event_id = ANY($1::uuid[])",
      [[...sentAt.keys()]],
    );
    const latencies = rows.map((r) => r.created_at.getTime() - sentAt.get(r.event_id)!);
    const p99 = percentile(latencies, 0.99);

    const mails = await measureMails(options.mails ?? 500);

    async function measureMails(total: number) {
      const templates = loadTemplates(new URL("../notification-service/templates/", import.meta.url));
      const cipher = createFieldCipher(parseFieldKeys(env.EVENT_ENCRYPTION_KEYS!));
      const service: number[] = [];
      const mailhog: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const recipients = Array.from({ length: total }, (_, j) => `bench-${run}-${i}-${j}@example.com`);
        const shares = recipients.map((recipient, j) => {
          const customerId = customers[j % customers.length]!;
          return createEvent(
            TOPICS.shareCreated,
            {
              customerId,
              shareId: randomUUID(),
              fileId: randomUUID(),
              fileName: `report-${j}.pdf`,
              expiresAt: null,
              passwordProtected: false,
              recipients: [recipient],
              token: cipher.encrypt(randomUUID(), `${TOPICS.shareCreated}:${customerId}`),
            },
            context,
          );
        });
        const started = performance.now();
        await publisher.publish(shares.map((e) => pending(TOPICS.shareCreated, e)));
        await until(
          async () =>
            (await pool.query("SELECT 1 FROM deliveries WHERE status = 'sent' AND recipient = ANY($1)", [recipients]))
              .rowCount === total,
          300_000,
          "the mails",
        );
        service.push(perSecond(total, performance.now() - started));

        const transport = nodemailer.createTransport(env.SMTP_URL!, { pool: true, maxConnections: 5 } as never);
        const mail = templates.mail("share-created", "en", {
          owner: "“Bench”",
          ownerEmail: "bench@example.com",
          fileName: "“report.pdf”",
          expires: null,
          passwordProtected: false,
          recipientCount: 1,
          link: "https://coffer.example/s/token",
        });
        const straight = performance.now();
        await Promise.all(
          recipients.map((to) =>
            transport.sendMail({ from: config.mailFrom, to, subject: mail.subject, html: mail.html, text: mail.text }),
          ),
        );
        mailhog.push(perSecond(total, performance.now() - straight));
        transport.close();
      }
      return { total, service, mailhog };
    }

    const ratios = (subject: number[], base: number[]) => subject.map((s, i) => s / base[i]!);
    const growth = sizes.map((size) => {
      const m = measured.get(size)!;
      return `${size.toLocaleString("en")}: ${round(median(m.service), 0)}/s (${round(median(ratios(m.service, m.bare)), 2)})`;
    });
    const what = `${options.events.toLocaleString("en")} file.uploaded events of ${customers.length} customers through notification-service (inbox, no mail)`;
    const spread = `partitions ${main.perPartition.join("/")}`;
    const resultRows: Row[] = [
      {
        what,
        baseline: "bare kafkajs consumer",
        ratios: ratios(main.service, main.bare),
        target: { kind: "ratio-at-least", value: 0.25 },
        context: `${round(median(main.service), 0)} vs ${round(median(main.bare), 0)} events/s, ${spread}`,
      },
      {
        what,
        baseline: "decode + one INSERT a batch",
        ratios: ratios(main.service, main.decodeInsert),
        context: `${round(median(main.service), 0)} vs ${round(median(main.decodeInsert), 0)} events/s`,
      },
      {
        what: `event sent → inbox row, ${latencyEvents} events at ${round(rate, 0)}/s (half the capacity)`,
        baseline: "—",
        ratios: [],
        target: { kind: "at-most", value: 100, unit: "ms p99" },
        measured: p99,
        context: `p50 ${percentile(latencies, 0.5)} ms, p99 ${p99} ms, max ${Math.max(...latencies)} ms`,
      },
      {
        what: `how the pipeline grows: events/s (and ratio to the bare consumer) by backlog size`,
        baseline: "—",
        ratios: [],
        context: growth.join("; "),
      },
      {
        what: `${mails.total} share mails (share.created, one recipient each) until recorded sent`,
        baseline: "nodemailer → MailHog, same mails",
        ratios: ratios(mails.service, mails.mailhog),
        context: `${round(median(mails.service), 0)} vs ${round(median(mails.mailhog), 0)} mails/s`,
      },
    ];
    return {
      rows: resultRows,
      raw: {
        customers: customers.length,
        eventsPerSecond: Object.fromEntries(measured),
        latency: { events: latencyEvents, perSecond: rate, p50Ms: percentile(latencies, 0.5), p99Ms: p99 },
        mailsPerSecond: mails,
      },
    };
  } finally {
    await app.close();
    await kafkaAdmin.deleteGroups([groupId, ...baselineGroups]).catch(() => undefined);
    await kafkaAdmin.disconnect();
    await publisher.close();
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}
