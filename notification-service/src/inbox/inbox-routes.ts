import { BEARER_AUTH, documentOnly } from "@coffer/contracts/http";
import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { preHandlerAsyncHookHandler } from "fastify";
import type pg from "pg";
import Type from "typebox";
import { Errors, errorResponses } from "../errors.js";
import { IdCursor, parseIdCursor } from "../id-cursor.js";
import { inboxSince, latestInboxId, listInbox, markAllRead, markRead, type InboxItem } from "./inbox-repository.js";
import type { LiveStream, StreamEndReason } from "./live-stream.js";
import type { StreamRevocations } from "./stream-revocations.js";

const InboxItemSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  category: Type.String(),
  title: Type.String(),
  body: Type.String(),
  link: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: "date-time" }),
  read: Type.Boolean(),
});
const Id = Type.String({ pattern: "^[1-9][0-9]{0,17}$" });
// setTimeout's longest delay: a token living longer is ended then, and the client reconnects.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** How long an item may take from its id to its commit and still be caught up by a stream. */
const SETTLE_MS = 5 * 60_000;
const FIRST_RETRY_MS = 500;
const LONGEST_RETRY_MS = 30_000;
const inboxDoc = { tags: ["notifications"], security: BEARER_AUTH };

/** The stream is written straight to the socket: only the document can say what it carries. */
const streamAnswer = documentOnly({
  responses: {
    200: {
      description:
        "Server-Sent Events: each new inbox item as `event: notification`, `id:` its id, `data:` the item as JSON " +
        "(the schema of GET /notifications items); a `: heartbeat` comment while idle; `retry: 3000` first. " +
        'When the server ends the stream it says why last, as `event: end` with `data: {"reason": …}`: ' +
        "`token-expired` (reconnect with a fresh token), `session-revoked` (sign in again), `lease-lost` or `shutdown` (reconnect).",
      content: { "text/event-stream": Type.String() },
    },
  },
});

export const inboxRoutes: FastifyPluginAsyncTypebox<{
  pool: pg.Pool;
  live: LiveStream;
  revocations: StreamRevocations;
  authenticate: preHandlerAsyncHookHandler;
  heartbeatMs: number;
}> = async (app, { pool, live, revocations, authenticate, heartbeatMs }) => {
  app.addHook("preHandler", authenticate);
  // Streams outlive any request: end them so the server can shut down.
  app.addHook("preClose", async () => live.endStreams(() => true, "shutdown"));

  app.get(
    "/notifications",
    {
      schema: {
        ...inboxDoc,
        summary: "The inbox, newest first, a page at a time, with the unread count",
        querystring: Type.Object(
          { cursor: IdCursor, limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(InboxItemSchema),
            unread: Type.Integer(),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses("VALIDATION_FAILED", "INVALID_CURSOR", "UNAUTHORIZED"),
        },
      },
    },
    async (request) =>
      listInbox(pool, request.verifiedCustomer.customerId, {
        before: parseIdCursor(request.query.cursor),
        limit: request.query.limit,
      }),
  );

  app.post(
    "/notifications/:id/read",
    {
      schema: {
        ...inboxDoc,
        summary: "Mark an inbox item read",
        params: Type.Object({ id: Id }),
        response: {
          204: Type.Null(),
          ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "NOTIFICATION_NOT_FOUND"),
        },
      },
    },
    async (request, reply) => {
      if (!(await markRead(pool, request.verifiedCustomer.customerId, request.params.id))) {
        throw Errors.notificationNotFound();
      }
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/notifications/read-all",
    {
      schema: {
        ...inboxDoc,
        summary: "Mark every inbox item read",
        response: { 200: Type.Object({ updated: Type.Integer() }), ...errorResponses("UNAUTHORIZED") },
      },
    },
    async (request) => ({ updated: await markAllRead(pool, request.verifiedCustomer.customerId) }),
  );

  /**
   * Server-Sent Events: each new inbox item as `event: notification` with its id, so a client
   * that reconnects with `Last-Event-ID` gets what it missed first. Comments every
   * `heartbeatMs` keep proxies from closing an idle stream. The stream ends when its token
   * expires (the client reconnects with a fresh one), and counts against the caps until then.
   */
  app.get(
    "/notifications/stream",
    {
      config: streamAnswer,
      schema: {
        ...inboxDoc,
        summary: "New inbox items as they arrive (Server-Sent Events); Last-Event-ID replays what was missed",
        headers: Type.Object({ "last-event-id": Type.Optional(Id) }),
        response: errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "TOO_MANY_STREAMS", "STREAM_CAPACITY_REACHED"),
      },
    },
    async (request, reply) => {
      const { customerId, sessionId, expiresAt } = request.verifiedCustomer;
      const raw = reply.raw;
      // Whatever the stream holds is undone once, by whichever comes first: the client leaving
      // (even before the stream is set up), the token expiring, the server ending it.
      const undo: (() => void)[] = [];
      let ended = false;
      const hold = (release: () => void) => (ended ? release() : undo.push(release));
      const end = (reason?: StreamEndReason) => {
        if (ended) return;
        ended = true;
        for (const release of undo.reverse()) release();
        if (!raw.headersSent) return; // not set up yet: the handler sees `ended`
        if (reason) raw.write(`event: end\ndata: ${JSON.stringify({ reason })}\n\n`);
        raw.end();
      };
      raw.once("close", () => end());
      // Gone while it was authenticated: nothing to set up, nobody to answer.
      if (raw.destroyed) return reply.hijack();

      hold(await live.admit({ customerId, sessionId, end }));
      if (ended) {
        // Gone while it was admitted, or the server is shutting down: what was held is released.
        raw.destroy();
        return reply.hijack();
      }

      // Live items wait while the stream reads what it may have missed (when it starts, and after
      // a lost LISTEN), then follow in id order. None is sent twice, and none is dropped for
      // having a lower id than one sent: ids are taken before commit, not in commit order.
      const sent = new Map<string, number>(); // id → when it was stored, forgotten once out of the window
      let newestSent = 0n;
      let start: string | undefined = undefined; // read once subscribed
      let catchingUp = 1;
      const waiting: InboxItem[] = [];
      const write = (item: InboxItem) => {
        if (ended || sent.has(item.id)) return;
        sent.set(item.id, Date.parse(item.createdAt));
        if (BigInt(item.id) > newestSent) newestSent = BigInt(item.id);
        raw.write(`id: ${item.id}\nevent: notification\ndata: ${JSON.stringify(item)}\n\n`);
      };
      const flush = () => {
        if (catchingUp === 0)
          for (const item of waiting.splice(0).sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)))) write(item);
      };
      const readMissed = async (from: string) => {
        const position = { start: from, newestSent: newestSent.toString(), settleMs: SETTLE_MS };
        for (const item of await inboxSince(pool, customerId, position)) write(item);
        const forgotten = Date.now() - 2 * SETTLE_MS;
        for (const [id, storedAt] of sent) if (storedAt < forgotten) sent.delete(id);
      };
      // Retried until it succeeds: right after a PostgreSQL restart the pool may still fail.
      const catchUp = async () => {
        for (let attempt = 0; !ended && start !== undefined; attempt += 1) {
          catchingUp += 1;
          try {
            return await readMissed(start);
          } catch (err) {
            request.log.warn({ err }, "live stream catch-up failed; retrying");
          } finally {
            catchingUp -= 1;
            flush();
          }
          await sleep(Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt), undefined, { ref: false });
        }
      };
      // Subscribed before its start is read: an item committed after that read is notified to it.
      hold(
        live.subscribe(customerId, { push: (item) => (catchingUp > 0 ? waiting.push(item) : write(item)), catchUp }),
      );
      // Where the stream starts: after the client's Last-Event-ID, or after what is stored now.
      start = request.headers["last-event-id"] ?? (await latestInboxId(pool, customerId));
      reply.hijack();
      raw.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
        "x-correlation-id": request.id,
      });
      raw.write("retry: 3000\n\n");
      const heartbeat = setInterval(() => raw.write(": heartbeat\n\n"), heartbeatMs);
      hold(() => clearInterval(heartbeat));
      const expiry = setTimeout(() => end("token-expired"), Math.min(expiresAt - Date.now(), MAX_TIMEOUT_MS));
      hold(() => clearTimeout(expiry));
      // The session's revocation (logout, password change, disable, deletion) ends the stream.
      hold(revocations.watch(request.verifiedCustomer, () => end("session-revoked")));
      await catchUp();
      catchingUp -= 1;
      flush();
    },
  );
};
