import { withOutbox, type OutgoingEvent } from "@coffer/contracts";
import type { Models, Session } from "../database.js";

export type NewSession = Pick<
  Session,
  "_id" | "customerId" | "refreshTokenHash" | "userAgent" | "ip" | "lastUsedAt" | "expiresAt"
>;

/** Which live sessions to end: all of a customer, one by id (or all but one), the one of a refresh token. */
export type SessionSelector = {
  customerId?: string;
  sessionId?: string;
  exceptSessionId?: string;
  refreshTokenHash?: string;
};

const DAY_MS = 24 * 3600_000;

/** The `sessions` collection; a session's `session.revoked` event rides in its document. */
export function createSessionRepository(model: Models["Session"]) {
  return {
    async insert(session: NewSession): Promise<void> {
      await model.create(session);
    },

    findById: (sessionId: string) => model.findById(sessionId).lean<Session>(),

    /** Whether the customer's session exists and was not revoked (expiry is the access token's to check). */
    async isLive(sessionId: string, customerId: string): Promise<boolean> {
      // Read by _id alone: the MongoDB-wire development server scans the collection for any other filter.
      const session = await model
        .findById(sessionId)
        .select({ customerId: 1, revokedAt: 1 })
        .lean<Pick<Session, "customerId" | "revokedAt">>();
      return session !== null && session.customerId === customerId && !session.revokedAt;
    },

    /** The customer's sessions neither revoked nor expired, the most recently used first. */
    listLive: (customerId: string) =>
      model
        .find({ customerId, revokedAt: null, expiresAt: { $gt: new Date() } })
        .sort({ lastUsedAt: -1 })
        .lean<Session[]>(),

    /**
     * Swaps the refresh token's hash for the next one, if the presented one is the session's
     * current one and the session is live; the presented hash is kept to recognise its reuse.
     */
    rotate: (sessionId: string, presentedHash: string, nextHash: string) => {
      const now = new Date();
      return model
        .findOneAndUpdate(
          { _id: sessionId, refreshTokenHash: presentedHash, revokedAt: null, expiresAt: { $gt: now } },
          { $set: { refreshTokenHash: nextHash, lastUsedAt: now }, $push: { previousHashes: presentedHash } },
          { new: true },
        )
        .lean<Session>();
    },

    /** The live (not revoked) sessions that match. */
    findUnrevoked: (which: SessionSelector) =>
      model
        .find({
          ...(which.customerId !== undefined && { customerId: which.customerId }),
          ...(which.sessionId !== undefined && { _id: which.sessionId }),
          ...(which.exceptSessionId !== undefined && { _id: { $ne: which.exceptSessionId } }),
          ...(which.refreshTokenHash !== undefined && { refreshTokenHash: which.refreshTokenHash }),
          revokedAt: null,
        })
        .select({ _id: 1, customerId: 1 })
        .lean<Pick<Session, "_id" | "customerId">[]>(),

    /** False when the session was revoked meanwhile. */
    async revoke(sessionId: string, revokedAt: Date, events: readonly OutgoingEvent[]): Promise<boolean> {
      const result = await model.updateOne(
        { _id: sessionId, revokedAt: null },
        withOutbox({ $set: { revokedAt } }, events),
      );
      return result.modifiedCount === 1;
    },

    /** Forgets sessions expired, or revoked a week ago, once their `session.revoked` is published. */
    async purgeEnded(now: Date): Promise<void> {
      await model.deleteMany({
        $or: [{ expiresAt: { $lt: now } }, { revokedAt: { $lt: new Date(now.getTime() - 7 * DAY_MS) } }],
        outboxPending: { $ne: true },
      });
    },
  };
}

export type SessionRepository = ReturnType<typeof createSessionRepository>;
