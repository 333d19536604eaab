import { compileErrors, dereference, validate } from "@readme/openapi-parser";
import {
  buildRecordingRoutes,
  codesOf,
  documentedErrorCodes,
  documentedOperations,
  registeredOperations,
  type OpenApiDocument,
} from "@coffer/contracts";
import type { FastifyInstance, RouteOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import type { Config } from "../src/config.js";
import { ERROR_CODES } from "../src/errors.js";
import { createTestDatabase, createTokenIssuer, minioOf, testConfig } from "./support.js";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let issuer: Awaited<ReturnType<typeof createTokenIssuer>>;
let config: Config;
let app: FastifyInstance;
let routes: RouteOptions[];
let document: OpenApiDocument;

beforeAll(async () => {
  db = await createTestDatabase();
  issuer = await createTokenIssuer();
  config = testConfig({ DATABASE_URL: db.url, JWKS_URL: issuer.jwksUrl });
  ({ app, routes } = await buildRecordingRoutes(() => buildApp(config)));
  const response = await app.inject("/openapi.json");
  expect(response.statusCode).toBe(200);
  const dereferenced: object = await dereference(response.json());
  document = dereferenced as OpenApiDocument;
});
afterAll(async () => {
  await app?.close();
  await minioOf(config).removeBucket();
  await issuer?.close();
  await db?.drop();
});

describe("file-service: OpenAPI document", () => {
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

  it("when a share link's URL answers a browser with a page, then the document shows the page beside the JSON, and the form beside the JSON body", () => {
    const { "/s/{token}": link, "/s/{token}/unlock": unlock, "/s/{token}/content": content } = document.paths;
    type Operation = OpenApiDocument["paths"][string][string];
    const types = (operation: Operation | undefined, status: string) =>
      Object.keys(operation?.responses[status]?.content ?? {});
    for (const status of ["200", "404", "410"])
      expect(types(link?.get, status)).toEqual(["application/json", "text/html"]);
    for (const status of ["403", "429"]) expect(types(unlock?.post, status)).toEqual(["application/json", "text/html"]);
    expect(unlock?.post?.responses["303"]).toBeDefined();
    const body = (unlock?.post as { requestBody?: { content: object } } | undefined)?.requestBody?.content ?? {};
    expect(Object.keys(body)).toEqual(["application/json", "application/x-www-form-urlencoded"]);
    for (const status of ["401", "410"]) expect(types(content?.get, status)).toEqual(["application/json", "text/html"]);
  });

  it("when the service can answer an error code, then the document shows it, under its status", () => {
    const { documented, catalogue } = documentedErrorCodes(document, ERROR_CODES);
    expect(documented).toEqual(catalogue);
  });
});
