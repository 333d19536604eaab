import { randomUUID } from "node:crypto";
import { TOPICS } from "@coffer/contracts";
import { createTestDatabase, createTokenIssuer } from "@coffer/contracts/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp } from "../src/app.js";
import { createEventSource, testConfig, untilConsuming } from "./support.js";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let issuer: Awaited<ReturnType<typeof createTokenIssuer>>;
let app: FastifyInstance;
let other: FastifyInstance;
let baseUrl: string;
let otherUrl: string;
const events = createEventSource();

beforeAll(async () => {
  db = await createTestDatabase();
  issuer = await createTokenIssuer();
  const config = testConfig({ DATABASE_URL: db.url, JWKS_URL: issuer.jwksUrl });
  app = await buildApp(config);
  // A second instance, same database and consumer group: each event is consumed by one of the two.
  other = await buildApp(config);
  baseUrl = await app.listen({ host: "127.0.0.1", port: 0 });
  otherUrl = await other.listen({ host: "127.0.0.1", port: 0 });
  await untilConsuming(events, db.pool);
});
afterAll(async () => {
  await other?.close();
  await app?.close();
  await events.close();
  await issuer?.close();
  await db?.drop();
});

/** A live stream as a browser holds it: open once the first frame arrived, `ended` once the server ends it. */
async function openStream(url: string, token: string) {
  const controller = new AbortController();
  const response = await fetch(`${url}/notifications/stream`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  const state = { response, received: "", ended: false, close: () => controller.abort() };
  if (response.status !== 200) return state;
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        state.received += value;
      }
      state.ended = true;
    } catch {
      // aborted by the test
    }
  })();
  await vi.waitFor(() => expect(state.received).toContain("retry: 3000"), { timeout: 5000, interval: 20 });
  return state;
}

type Stream = Awaited<ReturnType<typeof openStream>>;
const opened: Stream[] = [];
afterAll(() => opened.forEach((s) => s.close()));

async function streamsOf(token: string, urls: string[]) {
  const streams = await Promise.all(urls.map((url) => openStream(url, token)));
  opened.push(...streams);
  return streams;
}

const untilEnded = (streams: Stream[]) =>
  vi.waitFor(() => expect(streams.map((s) => s.ended)).toEqual(streams.map(() => true)), {
    timeout: 20_000,
    interval: 50,
  });

const answerOf = async (url: string, token: string) => {
  const response = await fetch(`${url}/notifications/stream`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as { code: string };
  return `${response.status} ${body.code}`;
};

describe("notification-service: revoked sessions lose the inbox and the live stream", () => {
  it("when a session is revoked, then its streams end on every instance, whichever consumed the event, and it cannot connect again; the customer's other session streams on", async () => {
    const customerId = randomUUID();
    const sessionId = randomUUID();
    const revokedToken = await issuer.token(customerId, ["user"], sessionId);
    const otherToken = await issuer.token(customerId, ["user"], randomUUID());
    const revokedStreams = await streamsOf(revokedToken, [baseUrl, otherUrl]);
    const [otherStream] = await streamsOf(otherToken, [otherUrl]);

    await events.publish(TOPICS.sessionRevoked, { customerId, sessionId, reason: "logout" });
    await untilEnded(revokedStreams);
    expect(otherStream!.ended).toBe(false);
    expect(await answerOf(baseUrl, revokedToken)).toBe("401 TOKEN_REVOKED");
    expect(await answerOf(otherUrl, revokedToken)).toBe("401 TOKEN_REVOKED");
    const inbox = await app.inject({ url: "/notifications", headers: { authorization: `Bearer ${revokedToken}` } });
    expect(inbox.json()).toEqual({ code: "TOKEN_REVOKED", message: "This session has ended; log in again" });
    expect(
      (await app.inject({ url: "/notifications", headers: { authorization: `Bearer ${otherToken}` } })).statusCode,
    ).toBe(200);
  });

  it("when the customer is disabled, then every stream of theirs ends and connecting answers 403 ACCOUNT_DISABLED until enabled", async () => {
    const customerId = randomUUID();
    const tokens = await Promise.all([0, 1].map(() => issuer.token(customerId, ["user"], randomUUID())));
    const streams = [
      ...(await streamsOf(tokens[0]!, [baseUrl, otherUrl])),
      ...(await streamsOf(tokens[1]!, [baseUrl])),
    ];

    await events.publish(TOPICS.customerDisabled, { customerId });
    await untilEnded(streams);
    expect(await answerOf(otherUrl, tokens[1]!)).toBe("403 ACCOUNT_DISABLED");

    await events.publish(TOPICS.customerEnabled, { customerId });
    await vi.waitFor(
      async () => {
        const [stream] = await streamsOf(tokens[1]!, [baseUrl]);
        expect(stream!.response.status).toBe(200);
      },
      { timeout: 20_000, interval: 100 },
    );
  });

  it("when the customer is deleted, then every stream of theirs ends and connecting answers 401 TOKEN_REVOKED", async () => {
    const customerId = randomUUID();
    const token = await issuer.token(customerId);
    const streams = await streamsOf(token, [baseUrl, otherUrl]);
    await events.publish(TOPICS.customerDeleted, { customerId });
    await untilEnded(streams);
    expect(await answerOf(baseUrl, token)).toBe("401 TOKEN_REVOKED");
  });

  it("when an admin's role is taken away, then the delivery log answers 403 FORBIDDEN to their token", async () => {
    const adminId = randomUUID();
    const auth = { authorization: `Bearer ${await issuer.token(adminId, ["user", "admin"])}` };
    expect((await app.inject({ url: "/admin/deliveries", headers: auth })).statusCode).toBe(200);
    await events.publish(TOPICS.customerRolesChanged, { customerId: adminId, roles: ["user"] });
    await vi.waitFor(
      async () => {
        const refused = await app.inject({ url: "/admin/deliveries", headers: auth });
        expect(refused.json()).toMatchObject({ code: "FORBIDDEN" });
      },
      { timeout: 20_000, interval: 100 },
    );
    expect((await other.inject({ url: "/admin/deliveries", headers: auth })).statusCode).toBe(403);
    expect((await other.inject({ url: "/notifications", headers: auth })).statusCode).toBe(200);
  });
});
