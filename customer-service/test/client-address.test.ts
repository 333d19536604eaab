import { randomUUID } from "node:crypto";
import { TOPICS } from "@coffer/contracts";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConfigError } from "../src/config.js";
import {
  createEventTap,
  dropDatabase,
  type EventTap,
  registerVerifiedCustomer,
  startApp,
  testConfig,
} from "./support.js";

// The client's address keys the sessions list, the login throttle and the mail rate limit. Only
// the gateway's hop (TRUSTED_PROXIES, 127.0.0.1 by default: light-my-request's own address) may
// say who the client is; what the client writes into X-Forwarded-For itself is never believed.

const config = testConfig();
let app: FastifyInstance;
let tap: EventTap;

beforeAll(async () => {
  tap = await createEventTap([TOPICS.customerEmailVerificationRequested]);
  app = await startApp(config);
});
afterAll(async () => {
  await app?.close();
  await tap?.close();
  await dropDatabase(config);
});

/** The address the sessions list shows for a login made from `remoteAddress` with these headers. */
async function addressOfLogin(remoteAddress: string, forwardedFor: string): Promise<string> {
  const customer = await registerVerifiedCustomer(app, tap);
  const login = await app.inject({
    method: "POST",
    url: "/auth/login",
    remoteAddress,
    headers: { "x-forwarded-for": forwardedFor },
    payload: { email: customer.email, password: customer.password },
  });
  expect(login.statusCode).toBe(200);
  const sessions = await app.inject({
    url: "/auth/sessions",
    headers: { authorization: `Bearer ${login.json().accessToken}` },
  });
  return sessions.json().sessions.find((s: { current: boolean }) => s.current).ip;
}

describe("the client's address", () => {
  it("when a request comes through the gateway, then the client is the address the gateway appended, not one the client wrote", async () => {
    expect(await addressOfLogin("127.0.0.1", "1.2.3.4, 198.51.100.23")).toBe("198.51.100.23");
  });

  it("when a request comes straight from an address that is not the gateway, then its X-Forwarded-For is ignored", async () => {
    expect(await addressOfLogin("203.0.113.50", "1.2.3.4")).toBe("203.0.113.50");
    expect(await addressOfLogin("203.0.113.51", "1.2.3.4, 127.0.0.1")).toBe("203.0.113.51");
  });

  it("when a client forges a new X-Forwarded-For for every request, then the per-address mail limit still counts it as one", async () => {
    const statuses = [];
    for (let i = 1; i <= 6; i += 1) {
      const answer = await app.inject({
        method: "POST",
        url: "/auth/verify-email/resend",
        remoteAddress: "127.0.0.1",
        headers: { "x-forwarded-for": `10.9.8.${i}, 198.51.100.77` },
        payload: { email: `nobody-${randomUUID()}@example.com` },
      });
      statuses.push(answer.statusCode);
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
  });

  it("when TRUSTED_PROXIES holds something other than addresses and CIDR ranges, then the service refuses to start and names each", () => {
    const problems = (() => {
      try {
        testConfig({ TRUSTED_PROXIES: "10.0.0.1, kong, 10.0.0.0/33, ::1/128" });
      } catch (error) {
        return (error as ConfigError).problems;
      }
    })();
    expect(problems).toEqual([
      'TRUSTED_PROXIES: "kong" is not an IP address or CIDR range',
      'TRUSTED_PROXIES: "10.0.0.0/33" is not an IP address or CIDR range',
    ]);
    expect(testConfig({ TRUSTED_PROXIES: "" }).trustedProxies).toEqual([]);
  });
});
