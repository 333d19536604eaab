import { BEARER_AUTH, requireAdmin } from "@coffer/contracts";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { preHandlerAsyncHookHandler } from "fastify";
import type pg from "pg";
import Type from "typebox";
import { errorResponses } from "../errors.js";
import { IdCursor, parseIdCursor } from "../id-cursor.js";

const Delivery = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  customerId: Type.Union([Type.String(), Type.Null()]),
  recipient: Type.String(),
  kind: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  resend: Type.Boolean(),
  createdAt: Type.String({ format: "date-time" }),
  sentAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});

/** What was sent, when, and why something failed: for admins. */
export const deliveriesRoutes: FastifyPluginAsyncTypebox<{
  pool: pg.Pool;
  authenticate: preHandlerAsyncHookHandler;
}> = async (app, { pool, authenticate }) => {
  app.addHook("preHandler", authenticate);
  app.addHook("preHandler", requireAdmin);
  app.get(
    "/admin/deliveries",
    {
      schema: {
        tags: ["admin"],
        summary: "What was mailed, when, and why not, newest first",
        security: BEARER_AUTH,
        querystring: Type.Object(
          {
            customerId: Type.Optional(Type.String({ maxLength: 100 })),
            status: Type.Optional(Type.Enum(["pending", "sent", "failed"])),
            cursor: IdCursor,
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ deliveries: Type.Array(Delivery), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
          ...errorResponses("VALIDATION_FAILED", "INVALID_CURSOR", "UNAUTHORIZED", "FORBIDDEN"),
        },
      },
    },
    async (request) => {
      const { customerId, status, limit } = request.query;
      const cursor = parseIdCursor(request.query.cursor);
      const { rows } = await pool.query(
        `SELECT id, event_id, customer_id, recipient, kind, status, attempts, last_error, delivery_key, created_at, sent_at
           FROM deliveries
          WHERE ($1::text IS NULL OR customer_id = $1) AND ($2::text IS NULL OR status = $2) AND ($3::bigint IS NULL OR id < $3)
          ORDER BY id DESC LIMIT $4`,
        [customerId ?? null, status ?? null, cursor ?? null, limit + 1],
      );
      const deliveries = rows.slice(0, limit).map((r) => ({
        id: String(r.id),
        eventId: r.event_id,
        customerId: r.customer_id,
        recipient: r.recipient,
        kind: r.kind,
        status: r.status,
        attempts: r.attempts,
        lastError: r.last_error,
        resend: r.delivery_key !== "",
        createdAt: r.created_at.toISOString(),
        sentAt: r.sent_at?.toISOString() ?? null,
      }));
      return { deliveries, nextCursor: rows.length > limit ? deliveries.at(-1)!.id : null };
    },
  );
};
