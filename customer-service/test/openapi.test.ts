import { describeOpenApiDocument } from "@coffer/contracts/testing";
import { afterAll } from "vitest";
import { buildApp } from "../src/app.js";
import { ERROR_CODES } from "../src/errors.js";
import { dropDatabase, testConfig } from "./support.js";

const config = testConfig();
afterAll(async () => {
  await dropDatabase(config);
});

describeOpenApiDocument("customer-service", { build: () => buildApp(config), catalogue: ERROR_CODES });
