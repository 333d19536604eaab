import { BEARER_AUTH, documentOnly } from "@coffer/contracts";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { preHandlerAsyncHookHandler } from "fastify";
import type pg from "pg";
import Type from "typebox";
import { Errors, errorResponses } from "../errors.js";
import { CATEGORIES, getPreferences, setPreferences } from "../preferences/preferences-repository.js";
import { inboxSince, listInbox, markAllRead, markRead, type InboxItem } from "./inbox-repository.js";
import type { LiveStream } from "./live-stream.js";
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
const categorySwitches = Object.fromEntries(CATEGORIES.map((c) => [c, Type.Boolean()])) as Record<
  (typeof CATEGORIES)[number],
  ReturnType<typeof Type.Boolean>
>;
const PreferencesSchema = Type.Object(categorySwitches, { additionalProperties: false });
// One closed object: an intersection of two closed objects admits no value at all.
const PreferencesAnswer = Type.Object(
  { ...categorySwitches, security: Type.Literal(true) },
  { additionalProperties: false },
);
const inboxDoc = { tags: ["notifications"], security: BEARER_AUTH };
const preferencesDoc = { tags: ["preferences"], security: BEARER_AUTH };

/** The stream is written straight to the socket: only the document can say what it carries. */
const streamAnswer = documentOnly({
  responses: {
    200: {
      description:
        "Server-Sent Events: each new inbox item as `event: notification`, `id:` its id, `data:` the item as JSON " +
        "(the schema of GET /notifications items); a `: heartbeat` comment while idle; `retry: 3000` first",
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
  const open = new Set<() => void>();
  // Streams never end on their own: close them so the server can shut down.
  app.addHook("preClose", async () => {
    for (const close of open) close();
  });

  app.get(
    "/notifications",
    {
      schema: {
        ...inboxDoc,
        summary: "The inbox, newest first, a page at a time, with the unread count",
        querystring: Type.Object(
          { cursor: Type.Optional(Id), limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(InboxItemSchema),
            unread: Type.Integer(),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED"),
        },
      },
    },
    async (request) =>
      listInbox(pool, request.verifiedCustomer.customerId, {
        before: request.query.cursor,
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

  app.get(
    "/notifications/preferences",
    {
      schema: {
        ...preferencesDoc,
        summary: "Which categories reach the customer (e-mail and inbox alike); security always does",
        response: {
          200: PreferencesAnswer,
          ...errorResponses("UNAUTHORIZED"),
        },
      },
    },
    async (request) => ({
      ...(await getPreferences(pool, request.verifiedCustomer.customerId)),
      security: true as const,
    }),
  );

  app.put(
    "/notifications/preferences",
    {
      schema: {
        ...preferencesDoc,
        summary: "Choose which categories reach the customer",
        body: PreferencesSchema,
        response: {
          200: PreferencesAnswer,
          ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED"),
        },
      },
    },
    async (request) => ({
      ...(await setPreferences(pool, request.verifiedCustomer.customerId, request.body)),
      security: true as const,
    }),
  );

  /**
   * Server-Sent Events: each new inbox item as `event: notification` with its id, so a client
   * that reconnects with `Last-Event-ID` gets what it missed first. Comments every
   * `heartbeatMs` keep proxies from closing an idle stream.
   */
  app.get(
    "/notifications/stream",
    {
      config: streamAnswer,
      schema: {
        ...inboxDoc,
        summary: "New inbox items as they arrive (Server-Sent Events); Last-Event-ID replays what was missed",
        headers: Type.Object({ "last-event-id": Type.Optional(Id) }),
        response: errorResponses("VALIDATION_FAILED", "UNAUTHORIZED"),
      },
    },
    async (request, reply) => {
      const customerId = request.verifiedCustomer.customerId;
      let lastSent = BigInt(request.headers["last-event-id"] ?? 0);
      let replaying = true;
      const buffered: InboxItem[] = [];
      const raw = reply.raw;
      const write = (item: InboxItem) => {
        if (BigInt(item.id) <= lastSent) return;
        lastSent = BigInt(item.id);
        raw.write(`id: ${item.id}\nevent: notification\ndata: ${JSON.stringify(item)}\n\n`);
      };
      // Subscribe before reading what was missed, so nothing falls between the two.
      const unsubscribe = live.subscribe(customerId, (item) => (replaying ? buffered.push(item) : write(item)));
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
      const close = () => {
        clearInterval(heartbeat);
        unsubscribe();
        unwatch();
        open.delete(close);
        raw.end();
      };
      open.add(close);
      request.raw.on("close", close);
      // The session's revocation (logout, password change, disable, deletion) ends the stream.
      const unwatch = revocations.watch(request.verifiedCustomer, close);
      try {
        if (lastSent > 0n) for (const item of await inboxSince(pool, customerId, lastSent.toString())) write(item);
      } finally {
        replaying = false;
        for (const item of buffered.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)))) write(item);
      }
    },
  );
};
