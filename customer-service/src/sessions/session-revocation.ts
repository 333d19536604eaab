import { TOPICS, withOutbox } from "@coffer/contracts";
import type { Models, Session } from "../customers/customer-model.js";
import { outgoing, type RequestContext } from "../customers/outgoing-events.js";

export type RevocationReason =
  "logout" | "revoked" | "refresh-token-reused" | "password-changed" | "password-reset" | "disabled" | "deleted";

/**
 * Ends the live sessions that match, each in one write with its `session.revoked` event (the
 * event rides in the session document): no session ends without every service learning it, and
 * from then on they refuse its access tokens. Returns how many ended.
 */
export async function endSessions(
  deps: { models: Models; wakeRelay: () => void },
  which: { customerId?: string; _id?: string | { $ne: string }; refreshTokenHash?: string },
  reason: RevocationReason,
  ctx: RequestContext,
): Promise<number> {
  const { Session } = deps.models;
  const sessions = await Session.find({ ...which, revokedAt: null })
    .select({ _id: 1, customerId: 1 })
    .lean<Pick<Session, "_id" | "customerId">[]>();
  const revokedAt = new Date();
  let ended = 0;
  for (const { _id, customerId } of sessions) {
    const event = outgoing(TOPICS.sessionRevoked, { customerId, sessionId: _id, reason }, ctx);
    const result = await Session.updateOne({ _id, revokedAt: null }, withOutbox({ $set: { revokedAt } }, [event]));
    ended += result.modifiedCount;
  }
  if (ended > 0) deps.wakeRelay();
  return ended;
}
