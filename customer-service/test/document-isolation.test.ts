import mongoose, { type Connection } from "mongoose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConfig } from "./support.js";

// The development server (FerretDB v1) applies concurrent updates of one document without isolation,
// on SQLite and on PostgreSQL alike; MONGO_URL's one connection per process is what keeps one
// process's updates in order. These tests hold the connection settings to that.
const config = testConfig();
let connection: Connection;

beforeAll(async () => {
  connection = await mongoose.createConnection(config.mongoUrl).asPromise();
});
afterAll(async () => {
  await connection?.dropDatabase();
  await connection?.close();
});

const counters = () => connection.db!.collection<{ _id: string; n: number }>("counters");
const leases = () => connection.db!.collection<{ _id: string; owner: string | null }>("leases");

describe("concurrent updates of one document from one process", () => {
  it("when 100 $inc of one document run at once, then the count is 100", async () => {
    await counters().insertOne({ _id: "c", n: 0 });

    await Promise.all(Array.from({ length: 100 }, () => counters().updateOne({ _id: "c" }, { $inc: { n: 1 } })));

    expect(await counters().findOne({ _id: "c" })).toEqual({ _id: "c", n: 100 });
  });

  it("when two claims of one free document run at once, then exactly one wins and owns it", async () => {
    for (let round = 0; round < 20; round++) {
      const _id = `lease-${round}`;
      await leases().insertOne({ _id, owner: null });

      const claims = await Promise.all(
        ["a", "b"].map((owner) =>
          leases().findOneAndUpdate({ _id, owner: null }, { $set: { owner } }, { returnDocument: "after" }),
        ),
      );

      const winners = claims.filter((claim) => claim !== null);
      expect(winners).toHaveLength(1);
      expect(await leases().findOne({ _id })).toEqual(winners[0]);
    }
  });
});
