import { TOPICS } from "@coffer/contracts";
import { outgoing, type RequestContext } from "../outgoing-events.js";
import type { SessionRepository, SessionSelector } from "./session-repository.js";

export type RevocationReason =
  "logout" | "revoked" | "refresh-token-reused" | "password-changed" | "password-reset" | "disabled" | "deleted";

/**
 * Ends the live sessions that match, each in one write with its `session.revoked` event (the
 * event rides in the session document): no session ends without every service learning it, and
 * from then on they refuse its access tokens. Returns how many ended.
 */
export async function endSessions(
  deps: { sessions: SessionRepository; wakeRelay: () => void },
  which: SessionSelector,
  reason: RevocationReason,
  ctx: RequestContext,
): Promise<number> {
  const revokedAt = new Date();
  let ended = 0;
  for (const { _id, customerId } of await deps.sessions.findUnrevoked(which)) {
    const event = outgoing(TOPICS.sessionRevoked, { customerId, sessionId: _id, reason }, ctx);
    if (await deps.sessions.revoke(_id, revokedAt, [event])) ended += 1;
  }
  if (ended > 0) deps.wakeRelay();
  return ended;
}
