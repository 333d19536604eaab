import { randomUUID } from "node:crypto";
import mongoose from "mongoose";
import { afterAll, describe, expect, it } from "vitest";

const connection = mongoose.createConnection(process.env.MONGO_URL!, {
  dbName: `smoke_${randomUUID().replaceAll("-", "")}`,
  serverSelectionTimeoutMS: 3000,
});
const Account = connection.model(
  "Account",
  new mongoose.Schema({ email: { type: String, required: true, unique: true }, name: String }),
);

afterAll(async () => {
  await connection.dropDatabase().catch(() => undefined);
  await connection.close();
});

describe("the MongoDB wire protocol (FerretDB)", () => {
  it("when documents are created, then they are found, and a unique index rejects a duplicate", async () => {
    await connection.asPromise();
    await Account.init(); // builds the unique index
    await Account.create({ email: "ada@example.com", name: "Ada" });

    const found = await Account.findOne({ email: "ada@example.com" }).lean();
    expect(found).toMatchObject({ email: "ada@example.com", name: "Ada" });

    await expect(Account.create({ email: "ada@example.com", name: "Other" })).rejects.toMatchObject({ code: 11000 });
    expect(await Account.countDocuments()).toBe(1);
  });
});
