import mongoose, { type Connection } from "mongoose";
import type { Attempt } from "../limits/attempt-ledger.js";
import type { Role } from "../tokens/access-tokens.js";

export type OneTimeToken = { tokenHash: string; expiresAt: Date; sentAt: Date };

/** A customer as the service works with it (never a mongoose document). */
export type Customer = {
  _id: string;
  email: string;
  passwordHash: string;
  displayName: string;
  locale: string;
  roles: Role[];
  emailVerifiedAt: Date | null;
  disabledAt: Date | null;
  deletedAt: Date | null;
  verification: OneTimeToken | null;
  passwordReset: OneTimeToken | null;
  createdAt: Date;
  updatedAt: Date;
};

export type Session = {
  _id: string;
  customerId: string;
  refreshTokenHash: string;
  /** Hashes this session's refresh token had before its last rotations: presenting one is theft. */
  previousHashes: string[];
  userAgent: string;
  ip: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
};

const oneTimeToken = new mongoose.Schema<OneTimeToken>(
  { tokenHash: { type: String, required: true }, expiresAt: { type: Date, required: true }, sentAt: Date },
  { _id: false },
);

// The events waiting for the outbox relay ride in the document that changed, a customer or a
// session (see @coffer/contracts).
const outboxFields = {
  outbox: { type: [mongoose.Schema.Types.Mixed], default: [] },
  outboxPending: { type: Boolean, default: false, index: true },
  outboxLeaseUntil: { type: Date, default: null },
  outboxLeaseOwner: { type: String, default: null },
};

export function createModels(connection: Connection) {
  const Customer = connection.model(
    "Customer",
    new mongoose.Schema(
      {
        _id: { type: String, required: true },
        email: { type: String, required: true, unique: true },
        passwordHash: { type: String, required: true },
        displayName: { type: String, required: true },
        locale: { type: String, required: true },
        roles: { type: [String], default: ["user"] },
        emailVerifiedAt: { type: Date, default: null },
        disabledAt: { type: Date, default: null },
        deletedAt: { type: Date, default: null },
        verification: { type: oneTimeToken, default: null },
        passwordReset: { type: oneTimeToken, default: null },
        ...outboxFields,
      },
      { timestamps: true, collection: "customers", versionKey: false },
    )
      .index({ "verification.tokenHash": 1 })
      .index({ "passwordReset.tokenHash": 1 })
      .index({ createdAt: 1, _id: 1 }),
  );
  const Session = connection.model(
    "Session",
    new mongoose.Schema(
      {
        _id: { type: String, required: true },
        customerId: { type: String, required: true, index: true },
        refreshTokenHash: { type: String, required: true },
        previousHashes: { type: [String], default: [] },
        userAgent: { type: String, default: "" },
        ip: { type: String, default: "" },
        lastUsedAt: { type: Date, required: true },
        expiresAt: { type: Date, required: true, index: true },
        revokedAt: { type: Date, default: null },
        ...outboxFields,
      },
      { timestamps: { createdAt: true, updatedAt: false }, collection: "sessions", versionKey: false },
    ),
  );
  const attempts = (collection: string) =>
    new mongoose.Schema<Attempt>(
      {
        _id: { type: String, required: true },
        key: { type: String, required: true },
        n: { type: Number, required: true },
        at: { type: Date, required: true, index: true },
        outcome: { type: String, enum: ["counted", "succeeded", "void"], required: true },
      },
      { collection, versionKey: false },
    ).index({ key: 1, n: -1 });
  // Login attempts per account and per client; mails sent per address (see attempt-ledger.ts).
  const LoginAttempt = connection.model("LoginAttempt", attempts("login_attempts"));
  const SentMail = connection.model("SentMail", attempts("sent_mails"));
  return { Customer, Session, LoginAttempt, SentMail };
}

export type Models = ReturnType<typeof createModels>;
