import { randomUUID } from "node:crypto";
import mongoose from "mongoose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createModels, type Models } from "../src/database.js";
import { cleanUp } from "../src/jobs/cleanup.js";
import { cleanupDepsFor } from "./cleanup-deps.js";
import { dropDatabase, testConfig } from "./support.js";

const config = testConfig();
let connection: mongoose.Connection;
let models: Models;

beforeAll(async () => {
  connection = await mongoose.createConnection(config.mongoUrl).asPromise();
  models = createModels(connection);
});
afterAll(async () => {
  await connection.close();
  await dropDatabase(config);
});

const HOUR = 3600_000;
const ago = (ms: number) => new Date(Date.now() - ms);

describe("the cleanup job (what TTL indexes would do on MongoDB)", () => {
  it("when sessions, links, sent-mail windows and tombstones are past their time, then they are removed and the rest stays", async () => {
    const session = (id: string, fields: object) =>
      models.Session.create({
        _id: id,
        customerId: "c",
        refreshTokenHash: "h",
        lastUsedAt: new Date(),
        expiresAt: new Date(Date.now() + HOUR),
        ...fields,
      });
    await session("expired", { expiresAt: ago(1000) });
    await session("revoked-long-ago", { revokedAt: ago(8 * 24 * HOUR) });
    await session("alive", {});
    const customer = (id: string, fields: object) =>
      models.Customer.create({
        _id: id,
        email: `${id}@example.com`,
        passwordHash: "x",
        displayName: "X",
        locale: "en",
        ...fields,
      });
    await customer("stale-link", { verification: { tokenHash: "a", expiresAt: ago(1000), sentAt: ago(25 * HOUR) } });
    await customer("fresh-link", {
      verification: { tokenHash: "b", expiresAt: new Date(Date.now() + HOUR), sentAt: new Date() },
    });
    await customer("tombstone", { deletedAt: ago(2 * 24 * HOUR), outboxPending: false });
    await customer("tombstone-unpublished", { deletedAt: ago(2 * 24 * HOUR), outboxPending: true });
    const sentMail = (key: string, at: Date) =>
      models.SentMail.create({ _id: `${key}#1`, key, n: 1, at, outcome: "counted" });
    await sentMail(`verification:${randomUUID()}@example.com`, ago(25 * HOUR));
    const recent = await sentMail(`verification:${randomUUID()}@example.com`, ago(HOUR));

    await cleanUp(cleanupDepsFor(models, config));

    expect((await models.Session.find().lean()).map((s) => s._id)).toEqual(["alive"]);
    expect((await models.Customer.findById("stale-link").lean())?.verification).toBeNull();
    expect((await models.Customer.findById("fresh-link").lean())?.verification).not.toBeNull();
    expect(await models.Customer.exists({ _id: "tombstone" })).toBeNull();
    expect(await models.Customer.exists({ _id: "tombstone-unpublished" })).not.toBeNull();
    expect((await models.SentMail.find().lean()).map((a) => a._id)).toEqual([recent._id]);
  });
});
