import { outboxFields, withOutbox, type OutgoingEvent } from "@coffer/contracts";
import { isDuplicateKey, type Customer, type Models, type OneTimeToken } from "../database.js";
import type { Role } from "../tokens/access-tokens.js";

type Events = readonly OutgoingEvent[];

export type NewCustomer = Pick<
  Customer,
  "_id" | "email" | "passwordHash" | "displayName" | "locale" | "roles" | "verification"
>;

/** The link tokens a customer may hold: an address to verify, a password to reset. */
export type Link = "verification" | "passwordReset";

/** What a deleted account keeps: its id, and the `customer.deleted` event until it is published. */
const tombstone = (customerId: string) => ({
  email: `deleted:${customerId}`,
  passwordHash: "!",
  displayName: "",
  deletedAt: new Date(),
  verification: null,
  passwordReset: null,
});

const grantingAdmin = (grant: boolean) => (grant ? { $addToSet: { roles: "admin" } } : {});

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The `customers` collection. Every change that other services must learn of is written with
 * its events, in one single-document write (the outbox rides in the document). A deleted
 * account is a tombstone that no `find` returns.
 */
export function createAccountRepository(model: Models["Customer"]) {
  return {
    findById: (customerId: string) => model.findOne({ _id: customerId, deletedAt: null }).lean<Customer>(),

    /** Expects a normalized address. */
    findByEmail: (email: string) => model.findOne({ email, deletedAt: null }).lean<Customer>(),

    /** The customer whose link carries this token, while the link can still be used. */
    findByLink: (link: Link, tokenHash: string) =>
      model
        .findOne({ [`${link}.tokenHash`]: tokenHash, [`${link}.expiresAt`]: { $gt: new Date() }, deletedAt: null })
        .lean<Customer>(),

    /** Up to `limit` registrations made before `before` and never verified. */
    async findUnverifiedIds(before: Date, limit: number): Promise<string[]> {
      const stale = await model
        .find({ emailVerifiedAt: null, deletedAt: null, createdAt: { $lt: before } }, { _id: 1 })
        .limit(limit)
        .lean<Pick<Customer, "_id">[]>();
      return stale.map((c) => c._id);
    },

    /** Customers in the order they registered, after `after`, optionally those whose address starts with `emailPrefix`. */
    list(query: { emailPrefix?: string; after?: { createdAt: Date; id: string }; limit: number }) {
      const filter: Record<string, unknown> = { deletedAt: null };
      if (query.emailPrefix) filter.email = { $regex: `^${escapeRegex(query.emailPrefix)}` };
      if (query.after) {
        const { createdAt, id } = query.after;
        filter.$or = [{ createdAt: { $gt: createdAt } }, { createdAt, _id: { $gt: id } }];
      }
      return model.find(filter).sort({ createdAt: 1, _id: 1 }).limit(query.limit).lean<Customer[]>();
    },

    /** Null when the address is taken (a concurrent registration of it won). */
    async insert(customer: NewCustomer, events: Events): Promise<Customer | null> {
      try {
        return (await model.create({ ...customer, ...outboxFields(events) })).toObject() as Customer;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        return null;
      }
    },

    /** Erases the account's personal data, keeping a tombstone; `unverifiedOnly`: false if it was verified. */
    async tombstone(customerId: string, events: Events, options: { unverifiedOnly: boolean }): Promise<boolean> {
      const result = await model.updateOne(
        { _id: customerId, ...(options.unverifiedOnly && { emailVerifiedAt: null, deletedAt: null }) },
        withOutbox({ $set: tombstone(customerId) }, events),
      );
      return result.modifiedCount === 1;
    },

    /** Marks the address verified and forgets the verification link; false if it was verified or deleted meanwhile. */
    async markVerified(customerId: string, grantAdmin: boolean, events: Events): Promise<boolean> {
      const result = await model.updateOne(
        { _id: customerId, emailVerifiedAt: null, deletedAt: null },
        withOutbox({ $set: { emailVerifiedAt: new Date(), verification: null }, ...grantingAdmin(grantAdmin) }, events),
      );
      return result.modifiedCount === 1;
    },

    async setVerificationLink(customerId: string, link: OneTimeToken, events: Events): Promise<void> {
      await model.updateOne(
        { _id: customerId, emailVerifiedAt: null },
        withOutbox({ $set: { verification: link } }, events),
      );
    },

    async setPasswordResetLink(customerId: string, link: OneTimeToken, events: Events): Promise<void> {
      await model.updateOne(
        { _id: customerId, deletedAt: null },
        withOutbox({ $set: { passwordReset: link } }, events),
      );
    },

    updateProfile: (customerId: string, profile: { displayName: string; locale: string }, events: Events) =>
      model
        .findOneAndUpdate({ _id: customerId, deletedAt: null }, withOutbox({ $set: profile }, events), { new: true })
        .lean<Customer>(),

    async setPassword(customerId: string, passwordHash: string, events: Events): Promise<void> {
      await model.updateOne({ _id: customerId }, withOutbox({ $set: { passwordHash, passwordReset: null } }, events));
    },

    /**
     * Consumes the reset link and sets the password; `verifies`: the link proved an unverified
     * address too. False if the link's token was used meanwhile.
     */
    async resetPassword(
      customerId: string,
      tokenHash: string,
      change: { passwordHash: string; verifies: boolean; grantAdmin: boolean },
      events: Events,
    ): Promise<boolean> {
      const result = await model.updateOne(
        { _id: customerId, "passwordReset.tokenHash": tokenHash },
        withOutbox(
          {
            $set: {
              passwordHash: change.passwordHash,
              passwordReset: null,
              ...(change.verifies && { emailVerifiedAt: new Date(), verification: null }),
            },
            ...grantingAdmin(change.grantAdmin),
          },
          events,
        ),
      );
      return result.modifiedCount === 1;
    },

    /** False when there is no such customer. */
    async setDisabled(customerId: string, disabled: boolean, events: Events): Promise<boolean> {
      const result = await model.updateOne(
        { _id: customerId, deletedAt: null },
        withOutbox({ $set: { disabledAt: disabled ? new Date() : null } }, events),
      );
      return result.matchedCount === 1;
    },

    async setRoles(customerId: string, roles: Role[], events: Events): Promise<void> {
      await model.updateOne({ _id: customerId }, withOutbox({ $set: { roles } }, events));
    },

    /** Forgets expired link tokens, and tombstones deleted before `before` whose event is published. */
    async purgeExpired(now: Date, tombstonesBefore: Date): Promise<void> {
      await model.updateMany({ "verification.expiresAt": { $lt: now } }, { $set: { verification: null } });
      await model.updateMany({ "passwordReset.expiresAt": { $lt: now } }, { $set: { passwordReset: null } });
      await model.deleteMany({ deletedAt: { $lt: tombstonesBefore }, outboxPending: false });
    },
  };
}

export type AccountRepository = ReturnType<typeof createAccountRepository>;
