import { STATUS_CODES } from "node:http";
import swagger, { type SwaggerTransform } from "@fastify/swagger";
import type { FastifyInstance } from "fastify";
import type { TObject, TSchema } from "typebox";
import { errorResponseOf } from "./conventions.js";

/** The security requirement of a route that needs `Authorization: Bearer <access token>`. */
export const BEARER_AUTH = [{ bearerAuth: [] }] as const;

/** An answer as the document shows it: a description, headers, and a body schema by media type (none: no body). */
export type DocumentedAnswer = {
  description?: string;
  headers?: Record<string, TSchema>;
  content?: Record<string, TSchema>;
};

/** What a route reads or writes on its own, out of Fastify's sight, so only the document can say it. */
export type DocumentedOnly = {
  /** Request headers the handler or a library reads. */
  headers?: TObject;
  /** A body Fastify leaves unparsed for the handler to stream, by media type. */
  body?: Record<string, TSchema>;
  /** The body may be left out (@fastify/swagger always writes `required: true`). */
  bodyOptional?: boolean;
  /** Answers the handler writes itself (a stream, a hijacked reply), or headers an error answer carries, by status. */
  responses?: Record<number, DocumentedAnswer>;
};

const OPTIONAL_BODY = "x-coffer-optional-body";

const mapValues = <T, U>(record: Record<string, T>, map: (value: T) => U): Record<string, U> =>
  Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));

/** An answer added to the JSON body Fastify serializes for the same status, if the route has one. */
function withAnswer(declared: { type?: unknown; description?: string } | undefined, answer: DocumentedAnswer) {
  const content = { ...(declared && declared.type !== "null" && { "application/json": declared }), ...answer.content };
  return {
    description: answer.description ?? declared?.description,
    ...(answer.headers && { headers: answer.headers }),
    ...(Object.keys(content).length > 0 ? { content: mapValues(content, (schema) => ({ schema })) } : { type: "null" }),
  };
}

/**
 * Route config that documents what Fastify does not validate or serialize for this route: a
 * streamed body, protocol headers, a download. The route's own schema stays what Fastify
 * enforces; this only adds to the document.
 */
export function documentOnly(doc: DocumentedOnly): { swaggerTransform: SwaggerTransform } {
  return {
    swaggerTransform: ({ schema, url }) => {
      const declared = (schema.response ?? {}) as Record<number, { type?: unknown; description?: string }>;
      const added = Object.entries(doc.responses ?? {}).map(([status, answer]) => [
        status,
        withAnswer(declared[Number(status)], answer),
      ]);
      return {
        url,
        schema: {
          ...schema,
          ...(doc.headers && { headers: doc.headers }),
          ...(doc.body && { body: { content: mapValues(doc.body, (body) => ({ schema: body })) } }),
          ...(doc.bodyOptional && { [OPTIONAL_BODY]: true }),
          response: { ...declared, ...Object.fromEntries(added) },
        },
      };
    },
  };
}

type JsonAnswer = { schema: { properties?: { code?: { enum?: string[] } } } | { anyOf: unknown[] } };
type Response = { description?: string; content?: Record<string, JsonAnswer> } | { $ref: string };
type Operation = { responses: Record<string, Response>; requestBody?: { required?: boolean }; [OPTIONAL_BODY]?: true };
type Document = {
  paths?: Record<string, Record<string, Operation>>;
  components?: { responses?: Record<string, unknown> };
};

const OPERATIONS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);
const BODY_METHODS = new Set(["put", "post", "delete", "patch"]);

/** Fastify refuses a body it cannot read before any handler runs, on every method that may carry one. */
const BODY_REFUSALS = {
  400: { code: "VALIDATION_FAILED", description: "The body is malformed or fails the schema" },
  413: { code: "PAYLOAD_TOO_LARGE", description: "The body is over the limit" },
  415: { code: "UNSUPPORTED_MEDIA_TYPE", description: "The body's Content-Type is not one this operation reads" },
} as const;

/** Adds an error code to an operation's answer for the status, beside what it documents already. */
function addErrorCode(operation: Operation, status: string, code: string, description: string): void {
  const response = operation.responses[status];
  if (!response || "$ref" in response) {
    operation.responses[status] = { description, content: { "application/json": { schema: errorResponseOf([code]) } } };
    return;
  }
  const json = response.content?.["application/json"]?.schema;
  const codes = json && "properties" in json ? json.properties?.code?.enum : undefined;
  if (codes?.includes(code)) return;
  const schema =
    codes || !json ? errorResponseOf([...(codes ?? []), code]) : { anyOf: [json, errorResponseOf([code])] };
  response.content = { ...response.content, "application/json": { schema } };
}

/**
 * What every route shares: a generic 500, a 503 when a server it needs is down, the unknown-route
 * 404, Fastify's refusals of a body, a status text instead of "Default Response".
 */
function addConventions(document: Document): void {
  const answer = (description: string, code: string) => ({
    description,
    content: { "application/json": { schema: errorResponseOf([code]) } },
  });
  document.components = {
    ...document.components,
    responses: {
      InternalError: answer("An unexpected failure; the cause is logged, never sent", "INTERNAL_ERROR"),
      RouteNotFound: answer("The answer to any method and path this document does not list", "ROUTE_NOT_FOUND"),
    },
  };
  for (const [path, pathItem] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(pathItem)) {
      if (!OPERATIONS.has(method)) continue;
      if (operation[OPTIONAL_BODY]) {
        if (operation.requestBody) operation.requestBody.required = false;
        delete operation[OPTIONAL_BODY];
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        if ("description" in response && response.description === "Default Response") {
          response.description = STATUS_CODES[status] ?? status;
        }
      }
      if (/{\w+}/.test(path)) {
        addErrorCode(operation, "400", "VALIDATION_FAILED", "A path parameter is malformed or too long");
      }
      if (BODY_METHODS.has(method)) {
        for (const [status, { code, description }] of Object.entries(BODY_REFUSALS))
          addErrorCode(operation, status, code, description);
      }
      // registerHttpConventions' isDependencyDown: the database (or another server) unreachable
      addErrorCode(operation, "503", "DEPENDENCY_UNAVAILABLE", "A server this request needs is unreachable; try again");
      operation.responses["500"] ??= { $ref: "#/components/responses/InternalError" };
    }
  }
}

/**
 * Generates the service's OpenAPI 3.1 document from the routes' TypeBox schemas and serves it at
 * `GET /openapi.json`. Register it before any route: @fastify/swagger collects them as they are added.
 */
export async function registerOpenApi(
  app: FastifyInstance,
  info: { title: string; version: string; description: string },
): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info,
      components: { securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } },
    },
    transformObject: (documentObject) => {
      if (!("openapiObject" in documentObject)) return documentObject.swaggerObject;
      addConventions(documentObject.openapiObject as Document);
      return documentObject.openapiObject;
    },
  });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
