import { BEARER_AUTH } from "@coffer/contracts/http";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { preHandlerAsyncHookHandler } from "fastify";
import type pg from "pg";
import Type from "typebox";
import { errorResponses } from "../errors.js";
import { CATEGORIES, getPreferences, setPreferences } from "./preferences-repository.js";

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
const preferencesDoc = { tags: ["preferences"], security: BEARER_AUTH };

/** Which categories of notification reach the customer. */
export const preferencesRoutes: FastifyPluginAsyncTypebox<{
  pool: pg.Pool;
  authenticate: preHandlerAsyncHookHandler;
}> = async (app, { pool, authenticate }) => {
  app.addHook("preHandler", authenticate);

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
};
