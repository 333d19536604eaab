import { isDuplicateKey, type Models } from "../database.js";

// A claim outlives every request that could race for the same thing; after that, the claimed
// thing's own document (a rotated session, a verified or deleted account) refuses it.
const RETENTION_MS = 24 * 3600_000;

/**
 * The `claims` collection: the single use of a refresh token, of a link token, the fate of an
 * unverified registration. An insert under a unique `_id` is the one write the development server
 * (FerretDB v1) applies atomically across connections: it applies a conditional update
 * (`updateOne`/`findOneAndUpdate` with a filter) as an unisolated read-modify-write, so two
 * instances could both see the filter match. On MongoDB it is as atomic.
 */
export function createClaimRepository(model: Models["Claim"]) {
  return {
    /** True for the one caller, on any instance, that claims `what` first; false for every other. */
    async claim(what: string): Promise<boolean> {
      try {
        await model.create({ _id: what, at: new Date() });
        return true;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        return false;
      }
    },

    async purgeExpired(now: Date): Promise<void> {
      await model.deleteMany({ at: { $lt: new Date(now.getTime() - RETENTION_MS) } });
    },
  };
}

export type ClaimRepository = ReturnType<typeof createClaimRepository>;
