import type { Models } from "../customers/customer-model.js";
import type { LoginThrottle } from "../sessions/login-throttle.js";

const DAY_MS = 24 * 3600_000;

/**
 * What TTL indexes would do on MongoDB, done by the service (FerretDB has none): forget dead
 * sessions, expired link tokens, old throttle windows, and tombstones whose event is published.
 */
export async function cleanUp(models: Models, throttle: LoginThrottle, now = new Date()): Promise<void> {
  const { Customer, Session } = models;
  await Session.deleteMany({
    $or: [{ expiresAt: { $lt: now } }, { revokedAt: { $lt: new Date(now.getTime() - 7 * DAY_MS) } }],
    outboxPending: { $ne: true }, // its session.revoked is not published yet
  });
  await Customer.updateMany({ "verification.expiresAt": { $lt: now } }, { $set: { verification: null } });
  await Customer.updateMany({ "passwordReset.expiresAt": { $lt: now } }, { $set: { passwordReset: null } });
  await Customer.deleteMany({ deletedAt: { $lt: new Date(now.getTime() - DAY_MS) }, outboxPending: false });
  await throttle.purgeExpired();
}
