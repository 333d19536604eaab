import { randomUUID } from "node:crypto";
import { waitForMail } from "@coffer/contracts/testing";
import mongoose from "mongoose";
import { expect, inject } from "vitest";
import { createClient } from "../e2e/test/support.js";

/** The platform e2e's global setup started for this run: fuzzing needs its own, never a shared one. */
export function platform() {
  const local = inject("local");
  if (!local) throw new Error("fuzzing starts its own platform: unset GATEWAY_URL");
  return { ...local, gatewayUrl: inject("gatewayUrl") };
}

export type Customer = { id: string; email: string; password: string; accessToken: string };

/** Registers a customer at customer-service, verifies the address from the mail, logs in; admin by a direct update. */
export async function createCustomer(options: { admin?: boolean } = {}): Promise<Customer> {
  const { serviceUrls, mongoUrl } = platform();
  const send = createClient(serviceUrls.customer);
  const email = `fuzz-${randomUUID()}@example.com`;
  const password = "a long and careful passphrase";
  const registered = await send("POST", "/auth/register", { json: { email, password, displayName: "Fuzz" } });
  expect(registered.status).toBe(201);
  const id = registered.json<{ id: string }>().id;
  const mail = await waitForMail(email, /Verify your e-mail address/);
  const token = decodeURIComponent(/verify-email\?token=([^\s"&]+)/.exec(mail.text)![1]!);
  expect((await send("POST", "/auth/verify-email", { json: { token, password } })).status).toBe(204);
  if (options.admin) {
    // Roles are granted by an operator, in the database: there is no route for it.
    const connection = await mongoose.createConnection(mongoUrl).asPromise();
    await connection.collection("customers").updateOne({ _id: id as never }, { $set: { roles: ["user", "admin"] } });
    await connection.close();
  }
  const login = await send("POST", "/auth/login", { json: { email, password } });
  expect(login.status).toBe(200);
  return { id, email, password, accessToken: login.json<{ accessToken: string }>().accessToken };
}
