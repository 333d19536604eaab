import { compileErrors, dereference, validate } from "@readme/openapi-parser";
import type { FastifyInstance, RouteOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildRecordingRoutes,
  codesOf,
  documentedErrorCodes,
  documentedOperations,
  registeredOperations,
  type OpenApiDocument,
} from "./openapi-coverage.js";

/**
 * `<service>: OpenAPI document`: what every service's document must show. Builds the app with
 * `build` (after the file's own `beforeAll`s, so it can use what they set up) and closes it
 * before the file's `afterAll`s; `more` adds the service's own checks of the dereferenced document.
 */
export function describeOpenApiDocument(
  service: string,
  options: {
    build: () => Promise<FastifyInstance>;
    catalogue: Readonly<Record<string, number>>;
    more?: (document: () => OpenApiDocument) => void;
  },
): void {
  describe(`${service}: OpenAPI document`, () => {
    let app: FastifyInstance;
    let routes: RouteOptions[];
    let document: OpenApiDocument;

    beforeAll(async () => {
      ({ app, routes } = await buildRecordingRoutes(options.build));
      const response = await app.inject("/openapi.json");
      expect(response.statusCode).toBe(200);
      const dereferenced: object = await dereference(response.json());
      document = dereferenced as OpenApiDocument;
    });
    afterAll(async () => {
      await app?.close();
    });

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

    options.more?.(() => document);

    it("when the service can answer an error code, then the document shows it, under its status", () => {
      const { documented, catalogue } = documentedErrorCodes(document, options.catalogue);
      expect(documented).toEqual(catalogue);
    });
  });
}
