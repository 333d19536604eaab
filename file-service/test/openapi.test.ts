import {
  createTestDatabase,
  createTokenIssuer,
  describeOpenApiDocument,
  type OpenApiDocument,
} from "@coffer/contracts/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import type { Config } from "../src/config.js";
import { ERROR_CODES } from "../src/errors.js";
import { minioOf, testConfig } from "./support.js";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let issuer: Awaited<ReturnType<typeof createTokenIssuer>>;
let config: Config;

beforeAll(async () => {
  db = await createTestDatabase();
  issuer = await createTokenIssuer();
  config = testConfig({ DATABASE_URL: db.url, JWKS_URL: issuer.jwksUrl });
});
afterAll(async () => {
  await minioOf(config).removeBucket();
  await issuer?.close();
  await db?.drop();
});

describeOpenApiDocument("file-service", {
  build: () => buildApp(config),
  catalogue: ERROR_CODES,
  more: (documentOf) => {
    it("when a share link's URL answers a browser with a page, then the document shows the page beside the JSON, and the form beside the JSON body", () => {
      const document = documentOf();
      const { "/s/{token}": link, "/s/{token}/unlock": unlock, "/s/{token}/content": content } = document.paths;
      type Operation = OpenApiDocument["paths"][string][string];
      const types = (operation: Operation | undefined, status: string) =>
        Object.keys(operation?.responses[status]?.content ?? {});
      for (const status of ["200", "404", "410"])
        expect(types(link?.get, status)).toEqual(["application/json", "text/html"]);
      for (const status of ["403", "429"])
        expect(types(unlock?.post, status)).toEqual(["application/json", "text/html"]);
      expect(unlock?.post?.responses["303"]).toBeDefined();
      const body = (unlock?.post as { requestBody?: { content: object } } | undefined)?.requestBody?.content ?? {};
      expect(Object.keys(body)).toEqual(["application/json", "application/x-www-form-urlencoded"]);
      for (const status of ["401", "410"])
        expect(types(content?.get, status)).toEqual(["application/json", "text/html"]);
    });
  },
});
