import { requireAdmin } from "@coffer/contracts/http";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import Type from "typebox";
import { errorResponses } from "../errors.js";
import { type CustomerRoutes, documented } from "../http.js";
import { customerUsage, setCustomerQuota, usageOf, type QuotaDeps } from "./quota-service.js";

const Usage = Type.Object({
  usedBytes: Type.Integer(),
  quotaBytes: Type.Integer(),
  fileCount: Type.Integer(),
  trashBytes: Type.Integer(),
});
const CustomerId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

/** The customer's usage figures, and the admin's quota setting. */
export const quotaRoutes: FastifyPluginAsyncTypebox<CustomerRoutes<QuotaDeps>> = async (
  app,
  { deps, authenticate },
) => {
  app.addHook("preHandler", authenticate);

  app.get(
    "/usage",
    {
      schema: {
        ...documented("usage"),
        summary: "Bytes used (every version and the trash), the quota, the file count",
        response: { 200: Usage, ...errorResponses("UNAUTHORIZED") },
      },
    },
    async (request) => usageOf(deps, request.verifiedCustomer.customerId),
  );

  app.get(
    "/admin/customers/:id/quota",
    {
      preHandler: requireAdmin,
      schema: {
        ...documented("admin"),
        summary: "A customer's usage and storage quota",
        params: CustomerId,
        response: {
          200: Usage,
          ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "FORBIDDEN", "CUSTOMER_NOT_FOUND"),
        },
      },
    },
    async (request) => customerUsage(deps, request.params.id),
  );

  app.put(
    "/admin/customers/:id/quota",
    {
      preHandler: requireAdmin,
      schema: {
        ...documented("admin"),
        summary: "Set a customer's storage quota",
        params: CustomerId,
        body: Type.Object(
          // A JSON number is exact up to 2^53 - 1; PostgreSQL's bigint goes further.
          { quotaBytes: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }) },
          { additionalProperties: false },
        ),
        response: {
          204: Type.Null(),
          ...errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "FORBIDDEN", "CUSTOMER_NOT_FOUND"),
        },
      },
    },
    async (request, reply) => {
      await setCustomerQuota(deps, {
        customerId: request.params.id,
        quotaBytes: request.body.quotaBytes,
        correlationId: request.id,
      });
      return reply.code(204).send(null);
    },
  );
};
