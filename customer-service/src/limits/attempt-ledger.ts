import type { Model } from "mongoose";

/**
 * One attempt at something limited (a login, a mail): `counted` from the moment it is taken,
 * until its taker says it `succeeded`, or it no longer counts (`void`: given back, or forgiven).
 */
export type Attempt = {
  _id: string;
  key: string;
  n: number;
  at: Date;
  outcome: "counted" | "succeeded" | "void";
};

/** Seconds to wait before another attempt may be taken, from the key's recent counted attempts (newest first); 0: now. */
export type Decide = (recent: readonly Attempt[], now: number) => number;

export type Taken = { ok: true; key: string; n: number } | { ok: false; retryAfterSeconds: number };

// Every taker that loses a slot re-reads and decides again, after a short random pause so that a
// crowd on one key (many people behind one address) spreads out; losing this often means a crowd.
const MAX_ROUNDS = 20;
const pause = (round: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (round + 1)));

const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000;

/**
 * Attempts of a key are numbered 1, 2, 3, …: attempt n is the document `<key>#<n>`, inserted only
 * after its taker read attempt n-1 and decided that one more is allowed. The unique `_id` makes the
 * insert the single atomic step deciding the outcome: of all the requests (on any instance) that
 * read the same state, one takes the next number, the others read again and see it. Updates are
 * no use here: FerretDB v1 applies concurrent updates of one document without isolation.
 */
export function createAttemptLedger(model: Model<Attempt>) {
  return {
    async take(key: string, since: Date, decide: Decide): Promise<Taken> {
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        const now = new Date();
        // The newest number first: what is read after it includes it, so a stale read can only
        // pick a number already taken (and lose the insert), never decide on less than it knows.
        const latest = await model.findOne({ key }).sort({ n: -1 }).lean<Attempt>();
        const recent = await model
          .find({ key, at: { $gt: since }, outcome: "counted" })
          .sort({ n: -1 })
          .lean<Attempt[]>();
        const wait = decide(recent, now.getTime());
        if (wait > 0) return { ok: false, retryAfterSeconds: Math.ceil(wait) };
        const n = (latest?.n ?? 0) + 1;
        try {
          await model.create({ _id: `${key}#${n}`, key, n, at: now, outcome: "counted" });
          return { ok: true, key, n };
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          await pause(round);
        }
      }
      return { ok: false, retryAfterSeconds: 1 };
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
