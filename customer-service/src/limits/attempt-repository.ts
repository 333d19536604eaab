import type { Model } from "mongoose";
import { isDuplicateKey, type Attempt } from "../database.js";

/** The attempts of one collection (the mails sent per address); attempt n of a key is the document `<key>#<n>`. */
export function createAttemptRepository(model: Model<Attempt>) {
  return {
    latest: (key: string) => model.findOne({ key }).sort({ n: -1 }).lean<Attempt>(),

    /** The key's attempts still counted since `since`, newest first. */
    countedSince: (key: string, since: Date) =>
      model
        .find({ key, at: { $gt: since }, outcome: "counted" })
        .sort({ n: -1 })
        .lean<Attempt[]>(),

    /** False when another taker inserted attempt n of the key first. */
    async insert(key: string, n: number, at: Date): Promise<boolean> {
      try {
        await model.create({ _id: `${key}#${n}`, key, n, at, outcome: "counted" });
        return true;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        return false;
      }
    },

    /** Only the taker settles its attempt, so a plain update is safe. */
    async settle(attempt: { key: string; n: number }, outcome: "succeeded" | "void"): Promise<void> {
      await model.updateOne({ _id: `${attempt.key}#${attempt.n}` }, { $set: { outcome } });
    },

    /** The key's attempts taken before this one no longer count. */
    async forgiveBefore(attempt: { key: string; n: number }): Promise<void> {
      await model.updateMany(
        { key: attempt.key, n: { $lt: attempt.n }, outcome: "counted" },
        { $set: { outcome: "void" } },
      );
    },

    async purgeBefore(horizon: Date): Promise<void> {
      await model.deleteMany({ at: { $lt: horizon } });
    },
  };
}

export type AttemptRepository = ReturnType<typeof createAttemptRepository>;
