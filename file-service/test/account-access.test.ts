import { randomBytes, randomUUID } from "node:crypto";
import {
  TOPICS,
  createEvent,
  keyOf,
  serializeEvent,
  type EventMap,
  type EventPayload,
  type Topic,
} from "@coffer/contracts";
import { type TestDatabase, type TokenIssuer } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Config } from "../src/config.js";
import { createTestPublisher, startFileService, type RunningFileService } from "./fixture.js";
import { minioOf } from "./support.js";

let service: RunningFileService;
let db: TestDatabase, issuer: TokenIssuer, config: Config, app: FastifyInstance, base: string;
const publisher = createTestPublisher();

beforeAll(async () => {
  service = await startFileService();
  ({ db, issuer, config, app, base } = service);
});
afterAll(async () => {
  await service?.close();
  await publisher.close();
});

/** GET /files as a listing and as each kind of search. */
const LISTINGS = ["/files", "/files?q=report", "/files?q=report&sort=size", "/files?q=no-such-name&sort=updatedAt"];

async function newCustomer(roles: string[] = ["user"]) {
  const id = randomUUID();
  const sessionId = randomUUID();
  return { id, sessionId, auth: { authorization: `Bearer ${await issuer.token(id, roles, sessionId)}` } };
}

const upload = (auth: Record<string, string>, name = "report.bin") => {
  const form = new FormData();
  form.append("file", new Blob([randomBytes(1000)]), name);
  return fetch(`${base}/files`, { method: "POST", headers: auth, body: form });
};

/**
 * Publishes the event as customer-service's relay would, again (the same event) until `done`:
 * the test's consumer group may not have joined when it is first sent.
 */
async function publishUntil<T extends Topic>(
  topic: T,
  payload: EventPayload<T>,
  done: (event: EventMap[T]) => Promise<boolean>,
  occurredAt?: Date,
): Promise<EventMap[T]> {
  const created = createEvent(topic, payload, { correlationId: `test-${randomUUID()}`, producer: "test" });
  const event = occurredAt ? { ...created, occurredAt } : created;
  await vi.waitFor(
    async () => {
      await publisher.publish([
        { eventId: event.eventId, topic, key: keyOf(event), payload: serializeEvent(topic, event), headers: {} },
      ]);
      await vi.waitFor(
        async () => {
          if (!(await done(event))) throw new Error(`${topic} not applied yet`);
        },
        { timeout: 2000, interval: 100 },
      );
    },
    { timeout: 30_000, interval: 0 },
  );
  return event;
}

const codeOf = async (response: Response | { statusCode: number; json(): unknown }) =>
  "statusCode" in response
    ? `${response.statusCode} ${(response.json() as { code?: string }).code}`
    : `${response.status} ${((await response.json()) as { code?: string }).code}`;

describe("file-service: deleted stays deleted", () => {
  it("when a customer is deleted, then their still-valid token creates nothing again and a replayed registration changes nothing", async () => {
    const { id, auth } = await newCustomer();
    expect((await upload(auth)).status).toBe(201);
    await publishUntil(TOPICS.customerDeleted, { customerId: id }, async () => {
      const { rowCount } = await db.pool.query("SELECT 1 FROM customers WHERE id = $1", [id]);
      return rowCount === 0;
    });

    // The token is valid for minutes yet: whatever it tries is refused, nothing is stored again.
    expect(await codeOf(await upload(auth))).toBe("401 TOKEN_REVOKED");
    const folder = await app.inject({ method: "POST", url: "/folders", headers: auth, payload: { name: "Again" } });
    expect(await codeOf(folder)).toBe("401 TOKEN_REVOKED");
    expect(await codeOf(await app.inject({ url: "/usage", headers: auth }))).toBe("401 TOKEN_REVOKED");
    for (const url of LISTINGS) {
      expect({ url, answer: await codeOf(await app.inject({ url, headers: auth })) }).toEqual({
        url,
        answer: "401 TOKEN_REVOKED",
      });
    }
    const tus = await app.inject({
      method: "POST",
      url: "/files/uploads",
      headers: { ...auth, "tus-resumable": "1.0.0", "upload-length": "10", "upload-metadata": "filename YS5iaW4=" },
    });
    expect(await codeOf(tus)).toBe("401 TOKEN_REVOKED");

    await publishUntil(
      TOPICS.customerRegistered,
      { customerId: id, email: "again@example.com", displayName: "Again", locale: "en" },
      async (event) =>
        (await db.pool.query("SELECT 1 FROM processed_events WHERE event_id = $1", [event.eventId])).rowCount === 1,
    );
    for (const table of ["customers", "folders", "files", "resumable_uploads"]) {
      const column = table === "customers" ? "id" : "customer_id";
      expect((await db.pool.query(`SELECT 1 FROM ${table} WHERE ${column} = $1`, [id])).rowCount, table).toBe(0);
    }
    await expect.poll(async () => (await minioOf(config).keys(`${id}/`)).length, { timeout: 15_000 }).toBe(0);
  });
});

describe("file-service: disabled is disabled everywhere", () => {
  it("when a customer is disabled, then their routes answer 403 ACCOUNT_DISABLED and their links 410 SHARE_UNAVAILABLE, until enabled", async () => {
    const { id, auth } = await newCustomer();
    const file = (await (await upload(auth)).json()) as { id: string };
    const created = await app.inject({ method: "POST", url: `/files/${file.id}/shares`, headers: auth, payload: {} });
    const token = created.json<{ url: string }>().url.split("/s/")[1]!;
    const locked = await app.inject({
      method: "POST",
      url: `/files/${file.id}/shares`,
      headers: auth,
      payload: { password: "open sesame" },
    });
    const lockedToken = locked.json<{ url: string }>().url.split("/s/")[1]!;
    expect((await app.inject({ url: `/s/${token}` })).statusCode).toBe(200);

    const disabled = await publishUntil(
      TOPICS.customerDisabled,
      { customerId: id },
      async () => (await app.inject({ url: `/s/${token}` })).statusCode === 410,
    );
    const describe = await app.inject({ url: `/s/${token}` });
    expect(describe.json()).toEqual({ code: "SHARE_UNAVAILABLE", message: "This share link is unavailable" });
    expect(await codeOf(await fetch(`${base}/s/${token}/content`))).toBe("410 SHARE_UNAVAILABLE");
    expect((await fetch(`${base}/s/${token}/content`, { method: "HEAD" })).status).toBe(410);
    const unlock = await app.inject({
      method: "POST",
      url: `/s/${lockedToken}/unlock`,
      payload: { password: "open sesame" },
    });
    expect(await codeOf(unlock)).toBe("410 SHARE_UNAVAILABLE");
    for (const url of LISTINGS) {
      expect({ url, answer: await codeOf(await app.inject({ url, headers: auth })) }).toEqual({
        url,
        answer: "403 ACCOUNT_DISABLED",
      });
    }
    expect(await codeOf(await app.inject({ url: "/shares", headers: auth }))).toBe("403 ACCOUNT_DISABLED");
    expect(await codeOf(await upload(auth))).toBe("403 ACCOUNT_DISABLED");
    const { rows } = await db.pool.query("SELECT download_count FROM shares WHERE customer_id = $1", [id]);
    expect(rows.map((r) => r.download_count)).toEqual([0, 0]);

    // An enable that happened before the disable, consumed after it (another topic), changes nothing.
    const stale = new Date(disabled.occurredAt.getTime() - 60_000);
    await publishUntil(
      TOPICS.customerEnabled,
      { customerId: id },
      async (event) =>
        (await db.pool.query("SELECT 1 FROM processed_events WHERE event_id = $1", [event.eventId])).rowCount === 1,
      stale,
    );
    expect((await app.inject({ url: `/s/${token}` })).statusCode).toBe(410);

    await publishUntil(
      TOPICS.customerEnabled,
      { customerId: id },
      async () => (await app.inject({ url: `/s/${token}` })).statusCode === 200,
    );
    expect((await fetch(`${base}/s/${token}/content`)).status).toBe(200);
    expect((await app.inject({ url: "/files", headers: auth })).statusCode).toBe(200);
  });
});

describe("file-service: revoked sessions and roles", () => {
  it("when a session is revoked, then its access token is refused with 401 TOKEN_REVOKED; the customer's other sessions still work", async () => {
    const { id, sessionId, auth } = await newCustomer();
    const other = { authorization: `Bearer ${await issuer.token(id, ["user"], randomUUID())}` };
    expect((await app.inject({ url: "/files", headers: auth })).statusCode).toBe(200);
    await publishUntil(
      TOPICS.sessionRevoked,
      { customerId: id, sessionId, reason: "logout" },
      async () => (await app.inject({ url: "/files", headers: auth })).statusCode === 401,
    );
    expect((await app.inject({ url: "/files", headers: auth })).json()).toEqual({
      code: "TOKEN_REVOKED",
      message: "This session has ended; log in again",
    });
    expect(await codeOf(await upload(auth))).toBe("401 TOKEN_REVOKED");
    for (const url of LISTINGS) {
      expect({ url, answer: await codeOf(await app.inject({ url, headers: auth })) }).toEqual({
        url,
        answer: "401 TOKEN_REVOKED",
      });
      expect({ url, status: (await app.inject({ url, headers: other })).statusCode }).toEqual({ url, status: 200 });
    }
  });

  it("when an admin's role is taken away, then their token no longer opens admin routes, while their own routes still work", async () => {
    const admin = await newCustomer(["user", "admin"]);
    const customer = await newCustomer();
    expect((await upload(customer.auth)).status).toBe(201);
    const setQuota = () =>
      app.inject({
        method: "PUT",
        url: `/admin/customers/${customer.id}/quota`,
        headers: admin.auth,
        payload: { quotaBytes: 10_000_000 },
      });
    expect((await setQuota()).statusCode).toBe(204);
    await publishUntil(
      TOPICS.customerRolesChanged,
      { customerId: admin.id, roles: ["user"] },
      async () => (await setQuota()).statusCode === 403,
    );
    expect(await codeOf(await setQuota())).toBe("403 FORBIDDEN");
    expect((await app.inject({ url: "/files", headers: admin.auth })).statusCode).toBe(200);
  });
});

describe("file-service: download tickets end with access", () => {
  const ticketOf = async (auth: Record<string, string>, fileId: string) => {
    const answer = await app.inject({ method: "POST", url: `/files/${fileId}/download-ticket`, headers: auth });
    expect(answer.statusCode).toBe(201);
    return `${base}${new URL(answer.json<{ url: string }>().url).pathname}`;
  };

  it("when the session that asked for a ticket ends, then the ticket serves nothing; another session's still does", async () => {
    const { id, sessionId, auth } = await newCustomer();
    const file = (await (await upload(auth)).json()) as { id: string };
    const other = { authorization: `Bearer ${await issuer.token(id, ["user"], randomUUID())}` };
    const ended = await ticketOf(auth, file.id);
    const kept = await ticketOf(other, file.id);
    expect((await fetch(ended)).status).toBe(200);
    await publishUntil(
      TOPICS.sessionRevoked,
      { customerId: id, sessionId, reason: "logout" },
      async () => (await fetch(ended)).status === 404,
    );
    expect(await codeOf(await fetch(ended))).toBe("404 DOWNLOAD_TICKET_NOT_FOUND");
    expect((await fetch(kept)).status).toBe(200);
  });

  it("when the account is disabled or deleted, then its tickets serve nothing", async () => {
    const disabled = await newCustomer();
    const disabledFile = (await (await upload(disabled.auth)).json()) as { id: string };
    const disabledTicket = await ticketOf(disabled.auth, disabledFile.id);
    const deleted = await newCustomer();
    const deletedFile = (await (await upload(deleted.auth)).json()) as { id: string };
    const deletedTicket = await ticketOf(deleted.auth, deletedFile.id);

    await publishUntil(
      TOPICS.customerDisabled,
      { customerId: disabled.id },
      async () => (await fetch(disabledTicket)).status === 404,
    );
    expect(await codeOf(await fetch(disabledTicket))).toBe("404 DOWNLOAD_TICKET_NOT_FOUND");
    expect((await fetch(deletedTicket)).status).toBe(200);
    await publishUntil(
      TOPICS.customerDeleted,
      { customerId: deleted.id },
      async () => (await fetch(deletedTicket)).status === 404,
    );
    expect(await codeOf(await fetch(deletedTicket))).toBe("404 DOWNLOAD_TICKET_NOT_FOUND");
  });
});
