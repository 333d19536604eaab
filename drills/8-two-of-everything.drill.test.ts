import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { get as httpGet, request as httpRequest } from "node:http";
import { promisify } from "node:util";
import { createKafka, TOPICS } from "@coffer/contracts";
import pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTimer, inParallel, recordsOf } from "./support.js";
import {
  createCustomer,
  infra,
  KAFKA_NODES,
  mailsTo,
  outboxSize,
  send,
  startTwoOfEverything,
  SWEEP_PERIOD_MS,
  upload,
  UPLOAD_LEASE_MS,
  type TwoOfEverything,
} from "./two-of-everything.js";

const root = new URL("../", import.meta.url).pathname;
const execFileAsync = promisify(execFile);

let env: TwoOfEverything;
beforeAll(async () => {
  env = await startTwoOfEverything();
}, 600_000);
afterAll(async () => {
  await infra("up", ...KAFKA_NODES).catch(() => undefined);
  await env?.stop();
}, 180_000);

type Customer = Awaited<ReturnType<typeof createCustomer>>;

/**
 * Uploads `count` new files (`<prefix>-<i>.bin`) for the customer one after another, alternating
 * gateways; a cut answer is tried again.
 */
async function uploadsOf(
  customer: Customer,
  prefix: string,
  count: number,
  onAnswer: () => Promise<void> = async () => undefined,
) {
  const acknowledged: string[] = [];
  const refused: number[] = [];
  for (let i = 0; i < count; i++) {
    for (let attempt = 0; ; attempt++) {
      const gateway = env.gateways[(i + attempt) % env.gateways.length]!;
      const answer = await upload(
        gateway,
        customer.accessToken,
        // A new name per attempt: a cut answer may hide a stored upload, and the same name again
        // would be a new version of it (with an event of its own).
        `${prefix}-${i}${attempt > 0 ? `-attempt-${attempt}` : ""}.bin`,
        randomBytes(1024),
        customer.from,
      );
      await onAnswer();
      if (answer.status === 201) {
        acknowledged.push(answer.body.id as string);
        break;
      }
      refused.push(answer.status);
      if (attempt === 4)
        throw new Error(`upload ${i} refused 5 times: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
  }
  return { acknowledged, refused };
}

/** Every file row of the customer has exactly one event id in Kafka, in the order the uploads were answered. */
async function expectOneEventEachInOrder(customer: Customer, acknowledged: string[]) {
  const records = await recordsOf(env.infraEnv, TOPICS.fileUploaded, customer.customerId);
  const { rows } = await env.filesDb.query<{ id: string }>("SELECT id FROM files WHERE customer_id = $1", [
    customer.customerId,
  ]);
  const eventIds = new Map<string, Set<string>>();
  for (const r of records) eventIds.set(r.fileId, (eventIds.get(r.fileId) ?? new Set()).add(r.eventId));
  expect([...eventIds.keys()].sort()).toEqual(rows.map((r) => r.id).sort());
  expect([...eventIds.values()].filter((ids) => ids.size !== 1)).toEqual([]);
  const known = new Set(acknowledged);
  const firstSeen = [...new Set(records.map((r) => r.fileId))].filter((id) => known.has(id));
  expect(firstSeen).toEqual(acknowledged);
  return records.length;
}

async function untilOutboxDrained(timeout = 180_000) {
  await vi.waitFor(
    async () => {
      const left = await outboxSize(env.filesDb);
      if (left > 0) throw new Error(`${left} events still in the outbox`);
    },
    { timeout, interval: 500 },
  );
}

describe("drill 8: two of everything (3 brokers, PgBouncer, Redis, two of each service and gateway)", () => {
  it("1. when the requests of one tus upload alternate instances and a duplicate PATCH races the first on the other instance, then the loser is refused and the recorded SHA-256 is the file's", async () => {
    const time = createTimer("8.1 tus across instances, a duplicate PATCH raced");
    const customer = await createCustomer(env, "resumable", "127.0.8.130");
    const content = randomBytes(8 * 2 ** 20);
    const firstPart = 6 * 2 ** 20; // S3 parts but the last are 5 MiB at least
    const tus = { "tus-resumable": "1.0.0" };
    const created = await send(`${env.gateways[0]}/files/uploads`, {
      method: "POST",
      token: customer.accessToken,
      from: customer.from,
      headers: {
        ...tus,
        "upload-length": String(content.length),
        "upload-metadata": `filename ${Buffer.from("raced.bin").toString("base64")}`,
      },
    });
    expect(created.status).toBe(201);
    const location = created.headers.location as string;
    const chunk = (url: string, offset: number, end: number) =>
      send(url, {
        method: "PATCH",
        token: customer.accessToken,
        from: customer.from,
        body: content.subarray(offset, end),
        headers: { ...tus, "upload-offset": String(offset), "content-type": "application/offset+octet-stream" },
      });
    expect((await chunk(`${env.gateways[1]}${location}`, 0, firstPart)).status).toBe(204);
    // The last chunk twice at once, once on each instance: one wins, the other is refused.
    const raced = await Promise.all(
      env.services.file.map((base) => chunk(`${base}${location}`, firstPart, content.length)),
    );
    const statuses = raced.map((r) => r.status).sort();
    expect(statuses[0]).toBe(204);
    expect([409, 423]).toContain(statuses[1]);
    const head = await send(`${env.gateways[0]}${location}`, {
      method: "HEAD",
      token: customer.accessToken,
      from: customer.from,
      headers: tus,
    });
    expect(head.headers["upload-offset"]).toBe(String(content.length));
    const sha256 = await vi.waitFor(
      async () => {
        const { rows } = await env.filesDb.query<{ sha256: string }>(
          "SELECT sha256 FROM files WHERE customer_id = $1 AND name = 'raced.bin'",
          [customer.customerId],
        );
        if (!rows[0]) throw new Error("the upload is not complete yet");
        return rows[0].sha256;
      },
      { timeout: 120_000, interval: 500 },
    );
    expect(sha256).toBe(createHash("sha256").update(content).digest("hex"));
    time(`the raced PATCH answered ${statuses[1]}, the recorded SHA-256 is the content's`);
  });

  it("2. when 1,000 uploads go through both gateways to both file-service instances and one instance is killed (-9) half-way, then each file has one event, each customer's events keep their order in Kafka, and the outbox drains", async () => {
    const time = createTimer("8.2 1,000 uploads, a file-service instance killed half-way");
    const CUSTOMERS = 10;
    const PER_CUSTOMER = 100;
    const customers = await inParallel(
      Array.from({ length: CUSTOMERS }, (_, i) => i),
      5,
      (i) => createCustomer(env, `uploader-${i}`, `127.0.8.${10 + i}`),
    );
    let answered = 0;
    let killing: Promise<void> | undefined;
    const results = await Promise.all(
      customers.map((customer) =>
        uploadsOf(customer, "file", PER_CUSTOMER, async () => {
          answered += 1;
          if (answered === (CUSTOMERS * PER_CUSTOMER) / 2 && !killing) killing = env.platform.kill("file-service-1");
        }),
      ),
    );
    await killing;
    await untilOutboxDrained();
    let records = 0;
    for (const [i, customer] of customers.entries())
      records += await expectOneEventEachInOrder(customer, results[i]!.acknowledged);
    const refused = results.flatMap((r) => r.refused);
    await env.platform.start("file-service-1");
    time(
      `1,000 answered 201 (${refused.length} answers cut by the kill and tried again: ${refused}), ${records} records`,
    );
  });

  // Once stalled: no committed offset on the partition of the share events (its first record kept
  // failing), so the member that took it over after the restarts started at the end and skipped all
  // 1,000. The consumer runner now commits where a partition starts.
  it("3. when 1,000 share mails are sent while SMTP is stopped for 90 s and a notification-service instance is stopped and started twice, then each recipient gets one Message-ID and none is lost", async () => {
    const time = createTimer(
      "8.3 1,000 share mails, SMTP stopped 90 s, a notification instance stopped and started twice",
    );
    const MAILS = 1000;
    const SMTP_DOWN_MS = 90_000;
    const customer = await createCustomer(env, "sharing", "127.0.8.150");
    const file = await upload(env.gateways[0]!, customer.accessToken, "shared.bin", randomBytes(1024), customer.from);
    expect(file.status).toBe(201);
    const prefix = `recipient-${env.run}-`;
    const recipients = Array.from({ length: MAILS }, (_, i) => `${prefix}${i}@${env.mailDomain}`);

    await env.smtp.cut();
    const cut = Date.now();
    try {
      // Straight to both file-service instances: the gateways' per-address limits are not the subject.
      const answers = await inParallel(
        recipients.map((recipient, i) => ({ recipient, i })),
        8,
        ({ recipient, i }) =>
          send(`${env.services.file[i % 2]}/files/${file.body.id as string}/shares`, {
            token: customer.accessToken,
            json: { recipients: [recipient] },
          }),
      );
      expect(answers.filter((a) => a.status !== 201).map((a) => a.status)).toEqual([]);
      time(`${MAILS} shares made`);
      for (const signal of ["SIGKILL", "SIGTERM"] as const) {
        await env.platform.kill("notification-service-2", signal);
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        await env.platform.start("notification-service-2");
      }
      const { rows: attempted } = await env.notificationsDb.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM deliveries WHERE kind = 'share-created' AND attempts > 0",
      );
      expect(attempted[0]!.n).toBeGreaterThan(0);
      time(`notification-service-2 killed (-9) and started, stopped and started; ${attempted[0]!.n} mails tried`);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, cut + SMTP_DOWN_MS - Date.now())));
    } finally {
      await env.smtp.restore();
    }
    const down = Date.now() - cut;

    const copies = await vi.waitFor(
      async () => {
        const byRecipient = new Map<string, string[]>();
        for (const { to, messageId } of await mailsTo(env, prefix)) {
          const address = /[^\s<>]+@[^\s<>]+/.exec(to)?.[0] ?? to;
          byRecipient.set(address, [...(byRecipient.get(address) ?? []), messageId]);
        }
        if (byRecipient.size < MAILS) throw new Error(`${byRecipient.size} of ${MAILS} recipients mailed`);
        return byRecipient;
      },
      { timeout: 300_000, interval: 2000 },
    );
    expect([...copies.keys()].sort()).toEqual([...recipients].sort());
    expect([...copies].filter(([, ids]) => ids.length !== 1)).toEqual([]);
    const { rows } = await env.notificationsDb.query<{ status: string; n: number; retried: number }>(
      "SELECT status, count(*)::int AS n, count(*) FILTER (WHERE attempts > 1)::int AS retried FROM deliveries WHERE kind = 'share-created' GROUP BY status",
    );
    expect(rows).toMatchObject([{ status: "sent", n: MAILS }]);
    time(
      `SMTP down ${(down / 1000).toFixed(0)} s: ${copies.size}/${MAILS} recipients mailed, one mail and Message-ID each, ${rows[0]!.retried} after failed attempts`,
    );
  }, 540_000);

  it("4. when a live stream is held on one notification-service instance and PostgreSQL restarts, then it gets every item either instance stores, before and after, with no gap", async () => {
    const time = createTimer("8.4 a live stream across a PostgreSQL restart");
    const customer = await createCustomer(env, "streaming", "127.0.8.140");
    const received: string[] = [];
    let ended: string | undefined;
    const stream = httpGet(`${env.services.notification[0]}/notifications/stream`, {
      headers: { authorization: `Bearer ${customer.accessToken}`, accept: "text/event-stream" },
    });
    const opened = new Promise<void>((resolve, reject) => {
      stream.on("error", reject);
      stream.on("response", (response) => {
        if (response.statusCode !== 200) reject(new Error(`the stream answered ${response.statusCode}`));
        resolve();
        let buffer = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const message = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.+)$/m.exec(message)?.[1];
            const data = /^data: (.+)$/m.exec(message)?.[1];
            const item =
              event === "notification" ? (JSON.parse(data!) as { id: string | number; kind: string }) : undefined;
            if (item?.kind === "file-uploaded") received.push(String(item.id));
            if (event === "end") ended = data;
          }
        });
      });
    });
    try {
      await opened;
      const inboxIds = async () => {
        const { rows } = await env.notificationsDb.query<{ id: string }>(
          "SELECT id::text FROM inbox WHERE customer_id = $1 AND kind = 'file-uploaded' ORDER BY id",
          [customer.customerId],
        );
        return rows.map((r) => r.id);
      };
      const before = (await inboxIds()).length;
      await uploadsOf(customer, "before-restart", 10);
      await vi.waitFor(() => expect(received.length).toBeGreaterThanOrEqual(10), { timeout: 60_000, interval: 250 });
      await infra("down", "postgres");
      await infra("up", "postgres");
      // The services' pools reconnect on their own; the drill waits until both instances say so.
      await vi.waitFor(
        async () => {
          for (const base of env.services.file) expect((await send(`${base}/health/ready`)).status).toBe(200);
        },
        { timeout: 60_000, interval: 250 },
      );
      await uploadsOf(customer, "after-restart", 10);
      await vi.waitFor(
        async () => {
          const stored = await inboxIds();
          expect(stored.length).toBeGreaterThanOrEqual(before + 20);
          expect([...received].sort()).toEqual(stored.slice(before).sort());
        },
        { timeout: 120_000, interval: 500 },
      );
      expect(ended).toBeUndefined();
      expect(new Set(received).size).toBe(received.length);
      time(`${received.length} items on one open stream, 10 before and 10 after the restart, none missing or twice`);
    } finally {
      stream.destroy();
    }
  });

  it("5. when logins alternate between the two gateways, then 10 a minute is 10 in total; when 50 wrong passwords race over both customer-service instances, then exactly 5 are checked", async () => {
    const time = createTimer("8.5 limits across two gateways and two customer-service instances");
    const customer = await createCustomer(env, "limited", "127.0.8.100");
    // Kong's windows are fixed minutes: start early in one, so all 14 attempts fall into it.
    const second = new Date().getSeconds();
    if (second > 40) await new Promise((resolve) => setTimeout(resolve, (61 - second) * 1000));
    const from = "127.0.8.101";
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      const answer = await send(`${env.gateways[i % 2]}/auth/login`, {
        from,
        json: { email: customer.email, password: customer.password },
      });
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([...Array<number>(10).fill(200), ...Array<number>(4).fill(429)]);

    const guesses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        send(`${env.services.customer[i % 2]}/auth/login`, {
          // Each guess from an address of its own: only the account's limit (5) applies.
          headers: { "x-forwarded-for": `10.8.${Math.floor(i / 200)}.${i % 200}` },
          json: { email: customer.email, password: `wrong-${i}` },
        }),
      ),
    );
    const codes = guesses.map((g) => `${g.status} ${g.body.code as string}`);
    expect(codes.filter((c) => c === "401 INVALID_CREDENTIALS")).toHaveLength(5);
    expect(codes.filter((c) => c === "429 TOO_MANY_ATTEMPTS")).toHaveLength(45);
    time(`logins through two gateways: ${statuses.join(",")}; 50 guesses: 5 checked, 45 refused`);
  });

  it("6. when four migrators start at once on an empty database through PgBouncer, then each migration is applied once and all four succeed", async () => {
    const time = createTimer("8.6 four migrators at once through PgBouncer");
    const name = `drill8_migrations_${env.run}`;
    const admin = new pg.Client({ connectionString: env.infraEnv.PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const pooled = Object.assign(new URL(env.infraEnv.PG_POOLED_URL!), { pathname: `/${name}` }).toString();
      const migrators = Array.from({ length: 4 }, () =>
        execFileAsync(process.execPath, [`${root}file-service/dist/migrate.js`], {
          env: { ...process.env, DATABASE_URL: pooled, MIGRATION_DATABASE_URL: pooled },
        }).then(
          () => 0,
          (error: { code?: number; stderr?: string }) => `${error.code}: ${error.stderr}`,
        ),
      );
      expect(await Promise.all(migrators)).toEqual([0, 0, 0, 0]);
      const db = new pg.Client({
        connectionString: Object.assign(new URL(env.infraEnv.PG_ADMIN_URL!), { pathname: `/${name}` }).toString(),
      });
      await db.connect();
      const { rows } = await db.query<{ name: string; n: number }>(
        "SELECT name, count(*)::int AS n FROM schema_migrations GROUP BY name ORDER BY name",
      );
      await db.end();
      const files = readdirSync(`${root}file-service/migrations`).filter((f) => /^\d+_[\w-]+\.sql$/.test(f));
      expect(rows).toEqual(files.sort().map((file) => ({ name: file, n: 1 })));
      time(`${files.length} migrations, each applied once by four migrators`);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });

  it("7. when a file-service instance is killed (-9) during a 200 MiB upload, then the reaper releases its reservation and aborts its multipart upload", async () => {
    const time = createTimer("8.7 a file-service instance killed during a 200 MiB upload");
    const customer = await createCustomer(env, "large", "127.0.8.160");
    const SIZE = 200 * 2 ** 20;
    const reserved = async () => {
      const { rows } = await env.filesDb.query<{ keys: string[]; reserved: string }>(
        `SELECT array(SELECT object_key FROM upload_reservations WHERE customer_id = $1) AS keys,
                (SELECT reserved_bytes::text FROM customers WHERE id = $1) AS reserved`,
        [customer.customerId],
      );
      return { objectKeys: rows[0]!.keys, reserved: Number(rows[0]!.reserved) };
    };
    // MinIO lists the multipart uploads of one object name, not of a prefix.
    const incompleteUploads = (key: string) =>
      new Promise<string[]>((resolve, reject) => {
        const keys: string[] = [];
        env.minio
          .listIncompleteUploads(env.bucket, key, false)
          .on("data", (item) => keys.push(item.key))
          .on("error", reject)
          .on("end", () => resolve(keys));
      });

    const boundary = `drill8-${env.run}`;
    const head = Buffer.from(
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="large.bin"\r\ncontent-type: application/octet-stream\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const request = httpRequest(`${env.services.file[0]}/files`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${customer.accessToken}`,
        "content-type": `multipart/form-data; boundary=${boundary}`,
        "content-length": String(head.length + SIZE + tail.length),
      },
    });
    const answered = new Promise<string>((resolve) => {
      request.on("response", (response) => resolve(`answered ${response.statusCode}`));
      request.on("error", (error) => resolve(error.message));
    });
    const write = (chunk: Buffer) =>
      new Promise<void>((resolve) => (request.write(chunk) ? resolve() : request.once("drain", resolve)));
    await write(head);
    const chunk = randomBytes(2 ** 20);
    for (let sent = 0; sent < SIZE / 2; sent += chunk.length) await write(chunk);
    // Half sent: the instance holds the reservation and has opened the multipart upload.
    const during = await reserved();
    expect(during.objectKeys).toHaveLength(1);
    expect(during.reserved).toBeGreaterThan(SIZE - 2 ** 20);
    const objectKey = during.objectKeys[0]!;
    await vi.waitFor(async () => expect(await incompleteUploads(objectKey)).toEqual([objectKey]), {
      timeout: 60_000,
      interval: 250,
    });
    await env.platform.kill("file-service-1");
    const killed = Date.now();
    const outcome = await answered;
    expect(outcome).not.toMatch(/^answered 2/);

    // Only file-service-2 is left to notice the unrenewed lease.
    await vi.waitFor(
      async () => {
        expect(await reserved()).toEqual({ objectKeys: [], reserved: 0 });
        expect(await incompleteUploads(objectKey)).toEqual([]);
      },
      { timeout: 4 * UPLOAD_LEASE_MS, interval: 500 },
    );
    const reaped = Date.now() - killed;
    const { rowCount } = await env.filesDb.query("SELECT 1 FROM files WHERE customer_id = $1", [customer.customerId]);
    expect(rowCount).toBe(0);
    await env.platform.start("file-service-1");
    time(
      `killed with ${SIZE / 2 / 2 ** 20} of ${SIZE / 2 ** 20} MiB sent (the client: ${outcome}); reservation of ${during.reserved} bytes released and the multipart upload aborted ${(reaped / 1000).toFixed(1)} s later (lease ${UPLOAD_LEASE_MS / 1000} s)`,
    );
  });

  it("8. when the leader of the busiest partitions is killed (-9) during uploads, then nothing is lost and consumers continue; with two of three brokers down, the outbox holds every event and publishes it after", async () => {
    const time = createTimer("8.8 Kafka leader killed, then two of three brokers down");
    const customer = await createCustomer(env, "brokers", "127.0.8.120");
    const kafka = createKafka({
      clientId: "drill-8",
      brokers: env.infraEnv.KAFKA_BROKERS!.split(","),
      logger: pino({ level: "warn" }),
    });
    const admin = kafka.admin();
    await admin.connect();
    const [topic] = (await admin.fetchTopicMetadata({ topics: [TOPICS.fileUploaded] })).topics;
    await admin.disconnect();
    const leads = new Map<number, number>();
    for (const p of topic!.partitions) leads.set(p.leader, (leads.get(p.leader) ?? 0) + 1);
    const busiest = [...leads].sort((a, b) => b[1] - a[1])[0]![0];
    const leader = `kafka-${busiest}`;

    let killed: Promise<string> | undefined;
    let answered = 0;
    const { acknowledged } = await uploadsOf(customer, "before", 200, async () => {
      answered += 1;
      if (answered === 50) killed = infra("kill", leader);
    });
    await killed;
    await untilOutboxDrained();
    await infra("up", leader);
    expect(await expectOneEventEachInOrder(customer, acknowledged)).toBeGreaterThanOrEqual(200);
    await vi.waitFor(
      async () => {
        const { rows } = await env.notificationsDb.query<{ n: number }>(
          "SELECT count(DISTINCT event_id)::int AS n FROM inbox WHERE customer_id = $1 AND kind = 'file-uploaded'",
          [customer.customerId],
        );
        if (rows[0]!.n < 200) throw new Error(`${rows[0]!.n} of 200 inbox items`);
      },
      { timeout: 180_000, interval: 1000 },
    );

    const [down1, down2] = KAFKA_NODES.filter((node) => node !== leader);
    await infra("kill", down1!, down2!);
    const held = await uploadsOf(customer, "held", 20);
    // min.insync.replicas 2 of RF 3: one broker left takes no write, so every event waits in the outbox.
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    expect(await outboxSize(env.filesDb)).toBe(20);
    await infra("up", down1!, down2!);
    await untilOutboxDrained();
    await expectOneEventEachInOrder(customer, [...acknowledged, ...held.acknowledged]);
    time(
      `${leader} (leader of ${leads.get(busiest)} partitions) killed after 50 of 200 uploads: 200 events, 200 inbox items; 20 events held by the outbox with two brokers down, published after`,
    );
  });

  it("9. when two file-service instances each ask for the sweep every tenth of a second, then it runs once per period", async () => {
    const time = createTimer("8.9 timers once per period");
    const runs = async () => {
      const { rows } = await env.filesDb.query<{ runs: number }>(
        "SELECT runs::int FROM job_leases WHERE name = 'hourly-sweep'",
      );
      return rows[0]?.runs ?? 0;
    };
    await vi.waitFor(async () => expect(await runs()).toBeGreaterThan(0), { timeout: 30_000, interval: 500 });
    const before = await runs();
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    const ran = (await runs()) - before;
    const periods = (Date.now() - started) / SWEEP_PERIOD_MS;
    expect(ran).toBeGreaterThanOrEqual(Math.floor(periods) - 1);
    expect(ran).toBeLessThanOrEqual(Math.ceil(periods));
    time(`${ran} runs in ${periods.toFixed(1)} periods of ${SWEEP_PERIOD_MS / 1000} s, on two instances`);
  });
});
