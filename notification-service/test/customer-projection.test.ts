import { randomUUID } from "node:crypto";
import { migrate } from "@coffer/contracts/pg";
import { createTestDatabase } from "@coffer/contracts/testing";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyCustomerFacts, findCustomer } from "../src/customers/customer-repository.js";

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool;
  await migrate(pool, new URL("../migrations/", import.meta.url));
});
afterAll(async () => {
  await db?.drop();
});

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));

describe("customer projection", () => {
  it("when the verification is applied before the older registration, then the registration's name and language are kept", async () => {
    const customerId = randomUUID();
    const email = `p-${customerId}@example.com`;
    await applyCustomerFacts(pool, { customerId, occurredAt: at(2), email, emailVerified: true });
    expect(await findCustomer(pool, customerId)).toMatchObject({ email, emailVerified: true, profileKnown: false });

    await applyCustomerFacts(pool, { customerId, occurredAt: at(1), email, displayName: "Zoé", locale: "fr" });
    expect(await findCustomer(pool, customerId)).toEqual({
      id: customerId,
      email,
      displayName: "Zoé",
      locale: "fr",
      emailVerified: true,
      deleted: false,
      profileKnown: true,
    });
  });

  it("when a profile is known, then an older profile event (a replay) does not roll it back", async () => {
    const customerId = randomUUID();
    const email = `p-${customerId}@example.com`;
    await applyCustomerFacts(pool, { customerId, occurredAt: at(1), email, displayName: "Ada", locale: "en" });
    await applyCustomerFacts(pool, { customerId, occurredAt: at(3), email, displayName: "Ada L.", locale: "fr" });
    await applyCustomerFacts(pool, { customerId, occurredAt: at(1), email, displayName: "Ada", locale: "en" });
    expect(await findCustomer(pool, customerId)).toMatchObject({ displayName: "Ada L.", locale: "fr" });
  });

  it("when the customer is deleted, then no later or older event brings the address back", async () => {
    const customerId = randomUUID();
    const email = `p-${customerId}@example.com`;
    await applyCustomerFacts(pool, { customerId, occurredAt: at(1), email, displayName: "Ada", locale: "en" });
    await applyCustomerFacts(pool, { customerId, occurredAt: at(5), deleted: true });
    await applyCustomerFacts(pool, { customerId, occurredAt: at(2), email, emailVerified: true });
    await applyCustomerFacts(pool, { customerId, occurredAt: at(6), email });
    expect(await findCustomer(pool, customerId)).toMatchObject({ email: null, deleted: true });
  });
});
