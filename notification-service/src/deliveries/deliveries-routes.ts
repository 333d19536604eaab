import { BEARER_AUTH, requireAdmin } from "@coffer/contracts/http";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { preHandlerAsyncHookHandler } from "fastify";
import type pg from "pg";
import Type from "typebox";
import { errorResponses } from "../errors.js";
import { IdCursor, parseIdCursor } from "../id-cursor.js";
import { listDeliveries } from "./deliveries-repository.js";

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
      return listDeliveries(pool, { customerId, status, before: parseIdCursor(request.query.cursor), limit });
    },
  );
};
