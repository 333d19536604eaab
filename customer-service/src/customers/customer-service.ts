import { randomUUID } from "node:crypto";
import {
  TOPICS,
  createEvent,
  outboxFields,
  withOutbox,
  type EventPayload,
  type FieldCipher,
  type OutgoingEvent,
  type Topic,
} from "@coffer/contracts";
import { Errors } from "../errors.js";
import type { Role } from "../tokens/access-tokens.js";
import { hashPassword, hashSecret, newSecret, normalizeEmail, verifyPassword } from "./credentials.js";
import type { Customer, Models } from "./customer-model.js";

export const PRODUCER = "customer-service";
const VERIFICATION_TTL_MS = 24 * 3600_000;
const RESET_TTL_MS = 30 * 60_000;
const RESEND_INTERVAL_MS = 60_000;

export type CustomerDeps = {
  models: Models;
  cipher: FieldCipher;
  /** Tells the outbox relay that events were just committed. */
  wakeRelay: () => void;
  adminEmails: ReadonlySet<string>;
};

/** What a request contributes to the events it causes. */
export type RequestContext = { correlationId: string };

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

function outgoing<T extends Topic>(topic: T, payload: EventPayload<T>, ctx: RequestContext): OutgoingEvent<T> {
  return { topic, event: createEvent(topic, payload, { correlationId: ctx.correlationId, producer: PRODUCER }) };
}

/** A single-use link token: the customer gets the secret (through the encrypted event), we keep its hash. */
function oneTimeToken(cipher: FieldCipher, topic: Topic, customerId: string, ttlMs: number) {
  const secret = newSecret();
  const now = Date.now();
  return {
    stored: { tokenHash: hashSecret(secret), expiresAt: new Date(now + ttlMs), sentAt: new Date(now) },
    sealed: cipher.encrypt(secret, `${topic}:${customerId}`),
  };
}

const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000;

export async function register(
  deps: CustomerDeps,
  input: { email: string; password: string; displayName: string; locale?: string },
  ctx: RequestContext,
): Promise<PublicCustomer> {
  const { Customer } = deps.models;
  const email = normalizeEmail(input.email);
  if (await Customer.exists({ email })) throw Errors.emailTaken();
  const _id = randomUUID();
  const displayName = input.displayName.trim();
  const locale = input.locale ?? "en";
  const roles: Role[] = deps.adminEmails.has(email) ? ["user", "admin"] : ["user"];
  const verification = oneTimeToken(deps.cipher, TOPICS.customerEmailVerificationRequested, _id, VERIFICATION_TTL_MS);
  const events = [
    outgoing(TOPICS.customerRegistered, { customerId: _id, email, displayName, locale }, ctx),
    outgoing(
      TOPICS.customerEmailVerificationRequested,
      { customerId: _id, email, displayName, token: verification.sealed, expiresAt: verification.stored.expiresAt },
      ctx,
    ),
  ];
  try {
    const created = await Customer.create({
      _id,
      email,
      passwordHash: await hashPassword(input.password),
      displayName,
      locale,
      roles,
      verification: verification.stored,
      ...outboxFields(events),
    });
    deps.wakeRelay();
    return toPublic(created.toObject() as Customer);
  } catch (error) {
    if (isDuplicateKey(error)) throw Errors.emailTaken(); // a concurrent registration won
    throw error;
  }
}

export async function verifyEmail(deps: CustomerDeps, token: string, ctx: RequestContext): Promise<void> {
  const { Customer } = deps.models;
  const now = new Date();
  const customer = await Customer.findOne({
    "verification.tokenHash": hashSecret(token),
    "verification.expiresAt": { $gt: now },
    deletedAt: null,
  }).lean<Customer>();
  if (!customer) throw Errors.invalidToken();
  // The token hash in the filter makes the token single-use: a second request matches nothing.
  const updated = await Customer.updateOne(
    { _id: customer._id, "verification.tokenHash": hashSecret(token) },
    withOutbox({ $set: { emailVerifiedAt: now, verification: null } }, [
      outgoing(TOPICS.customerEmailVerified, { customerId: customer._id, email: customer.email }, ctx),
    ]),
  );
  if (updated.modifiedCount !== 1) throw Errors.invalidToken();
  deps.wakeRelay();
}

/** Sends a new verification link unless the address is verified, unknown, or was sent one a minute ago. */
export async function resendVerification(deps: CustomerDeps, rawEmail: string, ctx: RequestContext): Promise<void> {
  const { Customer } = deps.models;
  const customer = await Customer.findOne({ email: normalizeEmail(rawEmail), deletedAt: null }).lean<Customer>();
  if (!customer || customer.emailVerifiedAt || customer.disabledAt) return;
  if (customer.verification && Date.now() - customer.verification.sentAt.getTime() < RESEND_INTERVAL_MS) return;
  const verification = oneTimeToken(
    deps.cipher,
    TOPICS.customerEmailVerificationRequested,
    customer._id,
    VERIFICATION_TTL_MS,
  );
  await Customer.updateOne(
    { _id: customer._id, emailVerifiedAt: null },
    withOutbox({ $set: { verification: verification.stored } }, [
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
    ]),
  );
  deps.wakeRelay();
}

export async function getActiveCustomer(deps: CustomerDeps, customerId: string): Promise<Customer> {
  const customer = await deps.models.Customer.findOne({ _id: customerId, deletedAt: null }).lean<Customer>();
  if (!customer) throw Errors.unauthorized("The account no longer exists");
  if (customer.disabledAt) throw Errors.accountDisabled();
  return customer;
}

export async function updateProfile(
  deps: CustomerDeps,
  customerId: string,
  changes: { displayName?: string; locale?: string },
  ctx: RequestContext,
): Promise<PublicCustomer> {
  const customer = await getActiveCustomer(deps, customerId);
  const displayName = changes.displayName?.trim() ?? customer.displayName;
  const locale = changes.locale ?? customer.locale;
  if (displayName === customer.displayName && locale === customer.locale) return toPublic(customer);
  const updated = await deps.models.Customer.findOneAndUpdate(
    { _id: customerId, deletedAt: null },
    withOutbox({ $set: { displayName, locale } }, [
      outgoing(TOPICS.customerProfileUpdated, { customerId, email: customer.email, displayName, locale }, ctx),
    ]),
    { new: true },
  ).lean<Customer>();
  deps.wakeRelay();
  return toPublic(updated!);
}

/** Changes the password and ends every session but `keepSessionId`. */
export async function changePassword(
  deps: CustomerDeps,
  customerId: string,
  input: { currentPassword: string; newPassword: string; keepSessionId: string },
  ctx: RequestContext,
): Promise<void> {
  const customer = await getActiveCustomer(deps, customerId);
  if (!(await verifyPassword(customer.passwordHash, input.currentPassword))) throw Errors.wrongPassword();
  await deps.models.Customer.updateOne(
    { _id: customerId },
    withOutbox({ $set: { passwordHash: await hashPassword(input.newPassword), passwordReset: null } }, [
      outgoing(TOPICS.customerPasswordChanged, { customerId, email: customer.email }, ctx),
    ]),
  );
  deps.wakeRelay();
  await deps.models.Session.updateMany(
    { customerId, _id: { $ne: input.keepSessionId }, revokedAt: null },
    { $set: { revokedAt: new Date() } },
  );
}

/**
 * Starts a reset for the address if it belongs to an account. The caller answers 202 without
 * waiting, so the answer takes the same time whether or not the account exists.
 */
export async function requestPasswordReset(deps: CustomerDeps, rawEmail: string, ctx: RequestContext): Promise<void> {
  const { Customer } = deps.models;
  const customer = await Customer.findOne({ email: normalizeEmail(rawEmail), deletedAt: null }).lean<Customer>();
  if (!customer || customer.disabledAt) return;
  const reset = oneTimeToken(deps.cipher, TOPICS.customerPasswordResetRequested, customer._id, RESET_TTL_MS);
  await Customer.updateOne(
    { _id: customer._id },
    withOutbox({ $set: { passwordReset: reset.stored } }, [
      outgoing(
        TOPICS.customerPasswordResetRequested,
        { customerId: customer._id, email: customer.email, token: reset.sealed, expiresAt: reset.stored.expiresAt },
        ctx,
      ),
    ]),
  );
  deps.wakeRelay();
}

/** Sets a new password from a reset link and ends every session. The link proves the address too. */
export async function resetPassword(
  deps: CustomerDeps,
  input: { token: string; newPassword: string },
  ctx: RequestContext,
): Promise<void> {
  const { Customer, Session } = deps.models;
  const tokenHash = hashSecret(input.token);
  const customer = await Customer.findOne({
    "passwordReset.tokenHash": tokenHash,
    "passwordReset.expiresAt": { $gt: new Date() },
    deletedAt: null,
  }).lean<Customer>();
  if (!customer) throw Errors.invalidToken();
  const updated = await Customer.updateOne(
    { _id: customer._id, "passwordReset.tokenHash": tokenHash },
    withOutbox(
      {
        $set: {
          passwordHash: await hashPassword(input.newPassword),
          passwordReset: null,
          emailVerifiedAt: customer.emailVerifiedAt ?? new Date(),
        },
      },
      [outgoing(TOPICS.customerPasswordChanged, { customerId: customer._id, email: customer.email }, ctx)],
    ),
  );
  if (updated.modifiedCount !== 1) throw Errors.invalidToken();
  deps.wakeRelay();
  await Session.updateMany({ customerId: customer._id, revokedAt: null }, { $set: { revokedAt: new Date() } });
}

/**
 * Deletes the account: personal data is erased at once, every session ends, and a tombstone
 * keeps only the id (and the `customer.deleted` event until it is published) so the address can
 * register again. The other services erase their data when they see the event.
 */
export async function deleteAccount(
  deps: CustomerDeps,
  customerId: string,
  password: string,
  ctx: RequestContext,
): Promise<void> {
  const customer = await getActiveCustomer(deps, customerId);
  if (!(await verifyPassword(customer.passwordHash, password))) throw Errors.wrongPassword();
  await deps.models.Customer.updateOne(
    { _id: customerId },
    withOutbox(
      {
        $set: {
          email: `deleted:${customerId}`,
          passwordHash: "!",
          displayName: "",
          deletedAt: new Date(),
          verification: null,
          passwordReset: null,
        },
      },
      [outgoing(TOPICS.customerDeleted, { customerId }, ctx)],
    ),
  );
  deps.wakeRelay();
  await deps.models.Session.updateMany({ customerId, revokedAt: null }, { $set: { revokedAt: new Date() } });
}

/**
 * The locale of the account a verification or reset link belongs to, while the link can still be
 * used; null when it cannot. Reads only: a page shows it before the person confirms (a POST).
 */
export async function linkHolderLocale(
  deps: CustomerDeps,
  link: "verification" | "passwordReset",
  token: string,
): Promise<string | null> {
  const customer = await deps.models.Customer.findOne({
    [`${link}.tokenHash`]: hashSecret(token),
    [`${link}.expiresAt`]: { $gt: new Date() },
    deletedAt: null,
  })
    .select({ locale: 1 })
    .lean<Pick<Customer, "locale">>();
  return customer?.locale ?? null;
}
