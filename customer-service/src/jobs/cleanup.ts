import { expireUnverified, type CustomerDeps } from "../customers/customer-service.js";
import type { LoginThrottle } from "../sessions/login-throttle.js";

const DAY_MS = 24 * 3600_000;

export type CleanupDeps = { customers: CustomerDeps; throttle: LoginThrottle; unverifiedAccountTtlHours: number };

/**
 * What TTL indexes would do on MongoDB, done by the service (FerretDB has none): forget dead
 * sessions, expired link tokens, old login attempts and mails, and tombstones whose event is
 * published. Registrations left unverified are deleted (and `customer.deleted` published).
 */
export async function cleanUp(deps: CleanupDeps, now = new Date()): Promise<void> {
  const { Customer, Session } = deps.customers.models;
  await Session.deleteMany({
    $or: [{ expiresAt: { $lt: now } }, { revokedAt: { $lt: new Date(now.getTime() - 7 * DAY_MS) } }],
    outboxPending: { $ne: true }, // its session.revoked is not published yet
  });
  await Customer.updateMany({ "verification.expiresAt": { $lt: now } }, { $set: { verification: null } });
  await Customer.updateMany({ "passwordReset.expiresAt": { $lt: now } }, { $set: { passwordReset: null } });
  await Customer.deleteMany({ deletedAt: { $lt: new Date(now.getTime() - DAY_MS) }, outboxPending: false });
  await expireUnverified(deps.customers, deps.unverifiedAccountTtlHours, now);
  await deps.throttle.purgeExpired(now);
  await deps.customers.mails.purgeExpired(now);
}
