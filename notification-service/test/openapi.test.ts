import { createTestDatabase, createTokenIssuer, describeOpenApiDocument } from "@coffer/contracts/testing";
import { afterAll, beforeAll } from "vitest";
import { buildApp } from "../src/app.js";
import { ERROR_CODES } from "../src/errors.js";
import { testConfig } from "./support.js";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let issuer: Awaited<ReturnType<typeof createTokenIssuer>>;

beforeAll(async () => {
  db = await createTestDatabase();
  issuer = await createTokenIssuer();
});
afterAll(async () => {
  await issuer?.close();
  await db?.drop();
});

describeOpenApiDocument("notification-service", {
  build: () => buildApp(testConfig({ DATABASE_URL: db.url, JWKS_URL: issuer.jwksUrl })),
  catalogue: ERROR_CODES,
});
