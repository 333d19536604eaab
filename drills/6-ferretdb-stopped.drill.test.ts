import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  createCustomer,
  createTimer,
  infra,
  inParallel,
  send,
  startDrillPlatform,
  type DrillPlatform,
} from "./support.js";

let platform: DrillPlatform;
beforeAll(async () => {
  platform = await startDrillPlatform();
});
afterAll(async () => {
  await infra("up", "ferretdb");
  await platform?.stop();
});

test("when FerretDB is stopped during logins and registrations, then they answer 503 DEPENDENCY_UNAVAILABLE and leave no half-created account", async () => {
  const time = createTimer("6 FerretDB stopped during logins");
  const customer = await createCustomer(platform, "mongo-drill");
  const base = platform.services.customer.url;

  await infra("down", "ferretdb");
  const logins = await inParallel(Array.from({ length: 10 }), 5, () =>
    send(`${base}/auth/login`, { json: { email: customer.email, password: customer.password } }),
  );
  const newcomers = Array.from(
    { length: 5 },
    (_, i) => `newcomer-${i}-${randomUUID().slice(0, 6)}@${platform.mailDomain}`,
  );
  const password = `drill-${randomUUID()}`;
  const registrations = await inParallel(newcomers, 5, (email) =>
    send(`${base}/auth/register`, { json: { email, password, displayName: "Newcomer" } }),
  );
  for (const answer of [...logins, ...registrations])
    expect(answer).toMatchObject({ status: 503, body: { code: "DEPENDENCY_UNAVAILABLE" } });
  await infra("up", "ferretdb");

  // Back: the login works again, and the refused registrations left nothing behind (the address is free).
  const { expect: poll } = { expect };
  await poll
    .poll(
      async () =>
        (await send(`${base}/auth/login`, { json: { email: customer.email, password: customer.password } })).status,
      {
        timeout: 60_000,
        interval: 500,
      },
    )
    .toBe(200);
  for (const email of newcomers) {
    expect((await send(`${base}/auth/login`, { json: { email, password } })).status).toBe(401);
    expect((await send(`${base}/auth/register`, { json: { email, password, displayName: "Newcomer" } })).status).toBe(
      201,
    );
  }
  time(
    `${logins.length} logins and ${registrations.length} registrations answered 503 DEPENDENCY_UNAVAILABLE; none left an account`,
  );
});
