import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { FastifyInstance, RouteOptions } from "fastify";

/**
 * What a service's OpenAPI test compares: the operations its app registers, the ones its
 * document shows, and the error codes under each status. Shared, so each service's test says
 * only what is its own.
 */

type Schema = { properties?: { code?: { enum?: string[]; const?: string } }; anyOf?: Schema[]; oneOf?: Schema[] };
type Answer = { content?: Record<string, { schema: Schema }> };
export type DocumentedOperation = {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  responses: Record<string, Answer>;
};
export type OpenApiDocument = {
  paths: Record<string, Record<string, DocumentedOperation>>;
  components: { responses: Record<string, Answer> };
};

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch"];

/** Builds the app with `build`, recording each route it registers (Fastify announces every new instance). */
export async function buildRecordingRoutes(
  build: () => Promise<FastifyInstance>,
): Promise<{ app: FastifyInstance; routes: RouteOptions[] }> {
  const routes: RouteOptions[] = [];
  const record = (message: unknown) =>
    (message as { fastify: FastifyInstance }).fastify.addHook("onRoute", (route) => void routes.push(route));
  subscribe("fastify.initialization", record);
  try {
    return { app: await build(), routes };
  } finally {
    unsubscribe("fastify.initialization", record);
  }
}

/** `GET /files/{id}`, for each method of each route but the HEADs Fastify adds to GETs and the document's own. */
export function registeredOperations(routes: RouteOptions[]): string[] {
  const methodsOf = (route: RouteOptions) => [route.method].flat();
  const getHandlers = new Map(routes.filter((r) => methodsOf(r).includes("GET")).map((r) => [r.url, r.handler]));
  return routes
    .flatMap((route) =>
      methodsOf(route)
        .filter((method) => !(method === "HEAD" && getHandlers.get(route.url) === route.handler))
        .map((method) => `${method} ${route.url.replace(/:(\w+)/g, "{$1}").replace(/\*/g, "{*}")}`),
    )
    .filter((operation) => operation !== "GET /openapi.json");
}

export function documentedOperations(document: OpenApiDocument): [string, DocumentedOperation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method): [string, DocumentedOperation] => [
      `${method.toUpperCase()} ${path}`,
      item[method]!,
    ]),
  );
}

/** Every `code` an answer's body can carry, whatever its media type. */
export function codesOf(answer: Answer): string[] {
  const inSchema = (schema: Schema): string[] => [
    ...(schema.properties?.code?.enum ?? []),
    ...(schema.properties?.code?.const ? [schema.properties.code.const] : []),
    ...[...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].flatMap(inSchema),
  ];
  return Object.values(answer.content ?? {}).flatMap(({ schema }) => inSchema(schema));
}

/** `CODE status` for every error the document shows, and for every code of the catalogue, to compare. */
export function documentedErrorCodes(document: OpenApiDocument, catalogue: Readonly<Record<string, number>>) {
  const documented = new Set([
    ...documentedOperations(document).flatMap(([, operation]) =>
      Object.entries(operation.responses).flatMap(([status, answer]) => codesOf(answer).map((c) => `${c} ${status}`)),
    ),
    // The unknown-route answer belongs to no operation: its status is the catalogue's.
    ...Object.values(document.components.responses).flatMap((answer) =>
      codesOf(answer).map((c) => `${c} ${catalogue[c]}`),
    ),
  ]);
  return {
    documented: [...documented].sort(),
    catalogue: Object.entries(catalogue)
      .map(([code, status]) => `${code} ${status}`)
      .sort(),
  };
}
