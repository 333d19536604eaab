import mongoose, { type Connection } from "mongoose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConfig } from "./support.js";

// MongoDB applies each update of one document atomically, whatever connection sends it. FerretDB v1
// alone does not (it reads, changes in Go and writes back the whole document), so the development
// server fronts it with infra/ferretdb/serialize.go, which applies write commands one at a time.
// These tests hold the server to MongoDB's guarantee from one connection and from many, as several
// instances of a service use it.
const config = testConfig();
let one: Connection;
let many: Connection[];

beforeAll(async () => {
  one = await mongoose.createConnection(config.mongoUrl, { maxPoolSize: 1 }).asPromise();
  many = await Promise.all(
    // Two processes' pools, each of several connections.
    [0, 1].map(() => mongoose.createConnection(config.mongoUrl, { maxPoolSize: 10 }).asPromise()),
  );
});
afterAll(async () => {
  await one?.dropDatabase();
  await Promise.all([one, ...(many ?? [])].map((c) => c?.close()));
});

type Counter = { _id: string; n: number };
type Lease = { _id: string; owner: string | null };

describe.each([
  ["one connection", () => [one]],
  ["twenty connections of two pools", () => many],
])("concurrent updates of one document from %s", (label, pools: () => Connection[]) => {
  const counters = (i: number) => pools()[i % pools().length]!.db!.collection<Counter>("counters");
  const leases = (i: number) => pools()[i % pools().length]!.db!.collection<Lease>("leases");
  const key = label.replaceAll(" ", "-");

  it("when 100 $inc of one document run at once, then the count is 100", async () => {
    await counters(0).insertOne({ _id: key, n: 0 });

    await Promise.all(Array.from({ length: 100 }, (_, i) => counters(i).updateOne({ _id: key }, { $inc: { n: 1 } })));

    expect(await counters(0).findOne({ _id: key })).toEqual({ _id: key, n: 100 });
  });

  it("when two claims of one free document run at once, then exactly one wins and owns it", async () => {
    for (let round = 0; round < 20; round++) {
      const _id = `${key}-${round}`;
      await leases(0).insertOne({ _id, owner: null });

      const claims = await Promise.all(
        ["a", "b"].map((owner, i) =>
          leases(i).findOneAndUpdate({ _id, owner: null }, { $set: { owner } }, { returnDocument: "after" }),
        ),
      );

      const winners = claims.filter((claim) => claim !== null);
      expect(winners).toHaveLength(1);
      expect(await leases(0).findOne({ _id })).toEqual(winners[0]);
    }
  });

  it("when a conditional update races an update of another field, then neither is lost", async () => {
    // The shape of a token's rotation racing its session's revocation.
    const sessions = (i: number) =>
      pools()[i % pools().length]!.db!.collection<{ _id: string; token: string; revokedAt: Date | null }>("sessions");
    for (let round = 0; round < 20; round++) {
      const _id = `${key}-${round}`;
      await sessions(0).insertOne({ _id, token: "t0", revokedAt: null });

      await Promise.all([
        sessions(0).findOneAndUpdate({ _id, token: "t0", revokedAt: null }, { $set: { token: "t1" } }),
        sessions(1).updateOne({ _id, revokedAt: null }, { $set: { revokedAt: new Date() } }),
      ]);

      expect((await sessions(0).findOne({ _id }))?.revokedAt).toBeInstanceOf(Date);
    }
  });
});
