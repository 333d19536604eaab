import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { compileErrors, dereference, validate } from "@readme/openapi-parser";
import type { FastifyInstance, RouteOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import type { Config } from "../src/config.js";
import { ERROR_CODES } from "../src/errors.js";
import { createTestDatabase, createTokenIssuer, testConfig } from "./support.js";

type Schema = { properties?: { code?: { enum?: string[]; const?: string } }; anyOf?: Schema[]; oneOf?: Schema[] };
type Answer = { content?: Record<string, { schema: Schema }> };
type Operation = { summary?: string; tags?: string[]; security?: unknown[]; responses: Record<string, Answer> };
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, Answer> };
};

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch"];

/** Builds the app as main.ts does, recording each route it registers (Fastify announces every new instance). */
async function buildRecordingRoutes(config: Config): Promise<{ app: FastifyInstance; routes: RouteOptions[] }> {
  const routes: RouteOptions[] = [];
  const record = (message: unknown) =>
    (message as { fastify: FastifyInstance }).fastify.addHook("onRoute", (route) => void routes.push(route));
  subscribe("fastify.initialization", record);
  try {
    return { app: await buildApp(config), routes };
  } finally {
    unsubscribe("fastify.initialization", record);
  }
}

/** `POST /notifications/{id}/read`, for each method of each route but the HEADs Fastify adds to GETs and the document's own. */
function registeredOperations(routes: RouteOptions[]): string[] {
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

function documentedOperations(document: Document): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method): [string, Operation] => [
      `${method.toUpperCase()} ${path}`,
      item[method]!,
    ]),
  );
}

/** Every `code` an answer's body can carry, whatever its media type. */
function codesOf(answer: Answer): string[] {
  const inSchema = (schema: Schema): string[] => [
    ...(schema.properties?.code?.enum ?? []),
    ...(schema.properties?.code?.const ? [schema.properties.code.const] : []),
    ...[...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].flatMap(inSchema),
  ];
  return Object.values(answer.content ?? {}).flatMap(({ schema }) => inSchema(schema));
}

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let issuer: Awaited<ReturnType<typeof createTokenIssuer>>;
let app: FastifyInstance;
let routes: RouteOptions[];
let document: Document;

beforeAll(async () => {
  db = await createTestDatabase();
  issuer = await createTokenIssuer();
  ({ app, routes } = await buildRecordingRoutes(testConfig({ DATABASE_URL: db.url, JWKS_URL: issuer.jwksUrl })));
  const response = await app.inject("/openapi.json");
  expect(response.statusCode).toBe(200);
  const dereferenced: object = await dereference(response.json());
  document = dereferenced as Document;
});
afterAll(async () => {
  await app?.close();
  await issuer?.close();
  await db?.drop();
});

describe("notification-service: OpenAPI document", () => {
  it("when the document is read, then it is valid OpenAPI 3.1", async () => {
    const served = (await app.inject("/openapi.json")).json();
    expect(served.openapi).toBe("3.1.0");
    const result = await validate(served);
    expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
  });

  it("when the app registers a route, then the document has its method and path, and nothing else", () => {
    const documented = documentedOperations(document).map(([operation]) => operation);
    expect(documented.sort()).toEqual(registeredOperations(routes).sort());
  });

  it("when an operation is documented, then it has a summary and tags, and security exactly when it answers UNAUTHORIZED", () => {
    for (const [name, operation] of documentedOperations(document)) {
      expect(operation.summary, name).toBeTruthy();
      expect(operation.tags, name).not.toHaveLength(0);
      expect(Boolean(operation.security), name).toBe(
        codesOf(operation.responses["401"] ?? {}).includes("UNAUTHORIZED"),
      );
    }
  });

  it("when the service can answer an error code, then the document shows it, under its status", () => {
    const documented = new Set([
      ...documentedOperations(document).flatMap(([, operation]) =>
        Object.entries(operation.responses).flatMap(([status, answer]) => codesOf(answer).map((c) => `${c} ${status}`)),
      ),
      // The unknown-route answer belongs to no operation: its status is the catalogue's.
      ...Object.values(document.components.responses).flatMap((answer) =>
        codesOf(answer).map((c) => `${c} ${ERROR_CODES[c as keyof typeof ERROR_CODES]}`),
      ),
    ]);
    const catalogue = Object.entries(ERROR_CODES).map(([code, status]) => `${code} ${status}`);
    expect([...documented].sort()).toEqual(catalogue.sort());
  });
});
