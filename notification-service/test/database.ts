export { createTestDatabase } from "@coffer/contracts/testing";
