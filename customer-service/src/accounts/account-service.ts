import { randomUUID } from "node:crypto";
import { TOPICS, type FieldCipher, type Topic } from "@coffer/contracts";
import type { ClaimRepository } from "../claims/claim-repository.js";
import type { Customer } from "../database.js";
import { Errors } from "../errors.js";
import { outgoing, type RequestContext } from "../outgoing-events.js";
import type { SessionRepository } from "../sessions/session-repository.js";
import { endSessions } from "../sessions/session-revocation.js";
import type { AccountRepository, Link } from "./account-repository.js";
import { hashPassword, hashSecret, newSecret, normalizeEmail, verifyPassword } from "./credentials.js";
import type { MailAllowance } from "./mail-allowance.js";

const VERIFICATION_TTL_MS = 24 * 3600_000;
const RESET_TTL_MS = 30 * 60_000;
const EXPIRY_BATCH = 500;

export type AccountDeps = {
  accounts: AccountRepository;
  sessions: SessionRepository;
  claims: ClaimRepository;
  cipher: FieldCipher;
  /** Tells the outbox relay that events were just committed. */
  wakeRelay: () => void;
  adminEmails: ReadonlySet<string>;
  /** Verification and reset mails sent on request, per address. */
  mails: MailAllowance;
};

export type PublicCustomer = Pick<Customer, "email" | "displayName" | "locale" | "roles"> & {
  id: string;
  emailVerified: boolean;
  createdAt: string;
};

export const toPublic = (c: Customer): PublicCustomer => ({
  id: c._id,
  email: c.email,
  displayName: c.displayName,
  locale: c.locale,
  roles: c.roles,
  emailVerified: c.emailVerifiedAt !== null,
  createdAt: c.createdAt.toISOString(),
});

/** A single-use link token: the customer gets the secret (through the encrypted event), we keep its hash. */
function oneTimeToken(cipher: FieldCipher, topic: Topic, customerId: string, ttlMs: number) {
  const secret = newSecret();
  const now = Date.now();
  return {
    stored: { tokenHash: hashSecret(secret), expiresAt: new Date(now + ttlMs), sentAt: new Date(now) },
    sealed: cipher.encrypt(secret, `${topic}:${customerId}`),
  };
}

/** Admin (ADMIN_EMAILS) is granted to an address once it is proven, never to whoever typed it. */
const grantsAdmin = (deps: AccountDeps, email: string) => deps.adminEmails.has(email);

/**
 * An unverified registration ends once, verified or retired, whichever claims it first on any
 * instance: its conditional updates alone would let both happen on the development server.
 */
const claimFate = (deps: AccountDeps, customerId: string) => deps.claims.claim(`registration-fate:${customerId}`);

/**
 * Deletes a registration nobody verified (replaced, or expired), publishing `customer.deleted` so
 * that what other services made for its id goes too; false if it was verified (or retired) meanwhile.
 */
async function retireUnverified(deps: AccountDeps, customerId: string, ctx: RequestContext): Promise<boolean> {
  if (!(await claimFate(deps, customerId))) return false;
  return deps.accounts.tombstone(customerId, [outgoing(TOPICS.customerDeleted, { customerId }, ctx)], {
    unverifiedOnly: true,
  });
}

/**
 * Registers an address. The answer is the same whatever the address's state, so it tells nobody
 * whether the address has an account:
 * - a new address: an unverified account, and a verification link mailed;
 * - an address registered but never verified: this registration replaces that one, whose id is
 *   retired (`customer.deleted`) and whose link then verifies nothing: whoever registered an
 *   address first cannot keep it, or its password, from the address's owner;
 * - a verified (or disabled) account: nothing changes; a verified owner is mailed a reset link.
 * An address gets at most its allowance of verification mails; beyond it, nothing changes.
 */
export async function register(
  deps: AccountDeps,
  input: { email: string; password: string; displayName: string; locale?: string },
  ctx: RequestContext,
): Promise<PublicCustomer> {
  const email = normalizeEmail(input.email);
  const displayName = input.displayName.trim();
  const locale = input.locale ?? "en";
  // Hashed whatever happens next, so that every answer takes about as long.
  const passwordHash = await hashPassword(input.password);
  const unchanged = (): PublicCustomer => ({
    id: randomUUID(),
    email,
    displayName,
    locale,
    roles: ["user"],
    emailVerified: false,
    createdAt: new Date().toISOString(),
  });

  const existing = await deps.accounts.findByEmail(email);
  if (existing?.emailVerifiedAt || existing?.disabledAt) {
    if (!existing.disabledAt) await sendPasswordReset(deps, existing, ctx);
    return unchanged();
  }
  const mail = await deps.mails.take("verification", email);
  if (!mail) return unchanged();
  try {
    if (existing && !(await retireUnverified(deps, existing._id, ctx))) {
      await mail.giveBack();
      return unchanged();
    }
    const _id = randomUUID();
    const verification = oneTimeToken(deps.cipher, TOPICS.customerEmailVerificationRequested, _id, VERIFICATION_TTL_MS);
    const created = await deps.accounts.insert(
      { _id, email, passwordHash, displayName, locale, roles: ["user"], verification: verification.stored },
      [
        outgoing(TOPICS.customerRegistered, { customerId: _id, email, displayName, locale }, ctx),
        outgoing(
          TOPICS.customerEmailVerificationRequested,
          { customerId: _id, email, displayName, token: verification.sealed, expiresAt: verification.stored.expiresAt },
          ctx,
        ),
      ],
    );
    if (!created) {
      await mail.giveBack(); // a concurrent registration of the address won
      return unchanged();
    }
    return toPublic(created);
  } finally {
    deps.wakeRelay();
  }
}

/**
 * Verifies the address with the token of the link and the password chosen at registration: the
 * link proves the address, the password that the registration is the verifier's own. A link
 * mailed for someone else's registration of the address thus verifies nothing.
 */
export async function verifyEmail(
  deps: AccountDeps,
  input: { token: string; password: string },
  ctx: RequestContext,
): Promise<void> {
  const tokenHash = hashSecret(input.token);
  const customer = await deps.accounts.findByLink("verification", tokenHash);
  if (!customer) throw Errors.invalidToken();
  if (!(await verifyPassword(customer.passwordHash, input.password))) {
    throw Errors.wrongPassword("This is not the password this address was registered with");
  }
  if (!(await claimFate(deps, customer._id))) throw Errors.invalidToken();
  const verified = await deps.accounts.markVerified(customer._id, grantsAdmin(deps, customer.email), [
    outgoing(TOPICS.customerEmailVerified, { customerId: customer._id, email: customer.email }, ctx),
  ]);
  if (!verified) throw Errors.invalidToken();
  deps.wakeRelay();
}

/** Sends a new verification link unless the address is verified, unknown, or had its share of such mails. */
export async function resendVerification(deps: AccountDeps, rawEmail: string, ctx: RequestContext): Promise<void> {
  const customer = await deps.accounts.findByEmail(normalizeEmail(rawEmail));
  if (!customer || customer.emailVerifiedAt || customer.disabledAt) return;
  if (!(await deps.mails.take("verification", customer.email))) return;
  const verification = oneTimeToken(
    deps.cipher,
    TOPICS.customerEmailVerificationRequested,
    customer._id,
    VERIFICATION_TTL_MS,
  );
  await deps.accounts.setVerificationLink(customer._id, verification.stored, [
    outgoing(
      TOPICS.customerEmailVerificationRequested,
      {
        customerId: customer._id,
        email: customer.email,
        displayName: customer.displayName,
        token: verification.sealed,
        expiresAt: verification.stored.expiresAt,
      },
      ctx,
    ),
  ]);
  deps.wakeRelay();
}

/** Deletes the registrations not verified within `ttlHours` (their links expired long before). */
export async function expireUnverified(deps: AccountDeps, ttlHours: number, now = new Date()): Promise<number> {
  const stale = await deps.accounts.findUnverifiedIds(new Date(now.getTime() - ttlHours * 3600_000), EXPIRY_BATCH);
  let expired = 0;
  for (const customerId of stale) {
    if (await retireUnverified(deps, customerId, { correlationId: randomUUID() })) expired += 1;
  }
  if (expired > 0) deps.wakeRelay();
  return expired;
}

export async function getActiveCustomer(deps: Pick<AccountDeps, "accounts">, customerId: string): Promise<Customer> {
  const customer = await deps.accounts.findById(customerId);
  if (!customer) throw Errors.unauthorized("The account no longer exists");
  if (customer.disabledAt) throw Errors.accountDisabled();
  return customer;
}

export async function updateProfile(
  deps: AccountDeps,
  customerId: string,
  changes: { displayName?: string; locale?: string },
  ctx: RequestContext,
): Promise<PublicCustomer> {
  const customer = await getActiveCustomer(deps, customerId);
  const displayName = changes.displayName?.trim() ?? customer.displayName;
  const locale = changes.locale ?? customer.locale;
  if (displayName === customer.displayName && locale === customer.locale) return toPublic(customer);
  const updated = await deps.accounts.updateProfile(customerId, { displayName, locale }, [
    outgoing(TOPICS.customerProfileUpdated, { customerId, email: customer.email, displayName, locale }, ctx),
  ]);
  deps.wakeRelay();
  return toPublic(updated!);
}

/** Changes the password and ends every session but `keepSessionId`. */
export async function changePassword(
  deps: AccountDeps,
  customerId: string,
  input: { currentPassword: string; newPassword: string; keepSessionId: string },
  ctx: RequestContext,
): Promise<void> {
  const customer = await getActiveCustomer(deps, customerId);
  if (!(await verifyPassword(customer.passwordHash, input.currentPassword))) throw Errors.wrongPassword();
  await deps.accounts.setPassword(customerId, await hashPassword(input.newPassword), [
    outgoing(TOPICS.customerPasswordChanged, { customerId, email: customer.email }, ctx),
  ]);
  deps.wakeRelay();
  await endSessions(deps, { customerId, exceptSessionId: input.keepSessionId }, "password-changed", ctx);
}

/** Mails the customer a reset link, unless the address had its share of such mails. */
async function sendPasswordReset(deps: AccountDeps, customer: Customer, ctx: RequestContext): Promise<void> {
  if (!(await deps.mails.take("password-reset", customer.email))) return;
  const reset = oneTimeToken(deps.cipher, TOPICS.customerPasswordResetRequested, customer._id, RESET_TTL_MS);
  await deps.accounts.setPasswordResetLink(customer._id, reset.stored, [
    outgoing(
      TOPICS.customerPasswordResetRequested,
      { customerId: customer._id, email: customer.email, token: reset.sealed, expiresAt: reset.stored.expiresAt },
      ctx,
    ),
  ]);
  deps.wakeRelay();
}

/**
 * Starts a reset for the address if it belongs to an account. The caller answers 202 without
 * waiting, so the answer takes the same time whether or not the account exists.
 */
export async function requestPasswordReset(deps: AccountDeps, rawEmail: string, ctx: RequestContext): Promise<void> {
  const customer = await deps.accounts.findByEmail(normalizeEmail(rawEmail));
  if (!customer || customer.disabledAt) return;
  await sendPasswordReset(deps, customer, ctx);
}

/**
 * Sets a new password from a reset link and ends every session. The link proves the address too:
 * an unverified account becomes verified (and its registrant's password is gone).
 */
export async function resetPassword(
  deps: AccountDeps,
  input: { token: string; newPassword: string },
  ctx: RequestContext,
): Promise<void> {
  const tokenHash = hashSecret(input.token);
  const customer = await deps.accounts.findByLink("passwordReset", tokenHash);
  if (!customer) throw Errors.invalidToken();
  const facts = { customerId: customer._id, email: customer.email };
  const verifies = customer.emailVerifiedAt === null;
  // The fate first: a link refused because the registration was just verified elsewhere stays usable.
  if (verifies && !(await claimFate(deps, customer._id))) throw Errors.invalidToken();
  if (!(await deps.claims.claim(`password-reset:${tokenHash}`))) throw Errors.invalidToken();
  const reset = await deps.accounts.resetPassword(
    customer._id,
    tokenHash,
    {
      passwordHash: await hashPassword(input.newPassword),
      verifies,
      grantAdmin: verifies && grantsAdmin(deps, customer.email),
    },
    [
      ...(verifies ? [outgoing(TOPICS.customerEmailVerified, facts, ctx)] : []),
      outgoing(TOPICS.customerPasswordChanged, facts, ctx),
    ],
  );
  if (!reset) throw Errors.invalidToken();
  deps.wakeRelay();
  await endSessions(deps, { customerId: customer._id }, "password-reset", ctx);
}

/**
 * Deletes the account: personal data is erased at once, every session ends, and a tombstone
 * keeps only the id (and the `customer.deleted` event until it is published) so the address can
 * register again. The other services erase their data when they see the event.
 */
export async function deleteAccount(
  deps: AccountDeps,
  customerId: string,
  password: string,
  ctx: RequestContext,
): Promise<void> {
  const customer = await getActiveCustomer(deps, customerId);
  if (!(await verifyPassword(customer.passwordHash, password))) throw Errors.wrongPassword();
  await deps.accounts.tombstone(customerId, [outgoing(TOPICS.customerDeleted, { customerId }, ctx)], {
    unverifiedOnly: false,
  });
  deps.wakeRelay();
  await endSessions(deps, { customerId }, "deleted", ctx);
}

/**
 * The locale of the account a verification or reset link belongs to, while the link can still be
 * used; null when it cannot. Reads only: a page shows it before the person confirms (a POST).
 */
export async function linkHolderLocale(deps: AccountDeps, link: Link, token: string): Promise<string | null> {
  return (await deps.accounts.findByLink(link, hashSecret(token)))?.locale ?? null;
}
