import type { DependencyCheck } from "@coffer/contracts/http";
import mongoose, { type Connection } from "mongoose";
import type { Role } from "./tokens/access-tokens.js";

// The service's MongoDB: its collections (what each document holds, and its mongoose model), the
// connection and its readiness check. Only the repositories (accounts/, sessions/, limits/) query
// the collections, and they return these plain types.

export type OneTimeToken = { tokenHash: string; expiresAt: Date; sentAt: Date };

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

/**
 * One attempt at something limited (a login, a mail): `counted` from the moment it is taken,
 * until its taker says it `succeeded`, or it no longer counts (`void`: given back, or forgiven).
 */
export type Attempt = {
  _id: string;
  key: string;
  n: number;
  at: Date;
  outcome: "counted" | "succeeded" | "void";
};

const oneTimeToken = new mongoose.Schema<OneTimeToken>(
  { tokenHash: { type: String, required: true }, expiresAt: { type: Date, required: true }, sentAt: Date },
  { _id: false },
);

// A customer or a session carries the events of its own changes until the outbox relay publishes
// them (see @coffer/contracts' mongo-outbox).
const outboxPaths = {
  outbox: { type: [mongoose.Schema.Types.Mixed], default: [] },
  outboxPending: { type: Boolean, default: false, index: true },
  outboxLeaseUntil: { type: Date, default: null },
  outboxLeaseOwner: { type: String, default: null },
};

const attemptSchema = (collection: string) =>
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
        ...outboxPaths,
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
        ...outboxPaths,
      },
      { timestamps: { createdAt: true, updatedAt: false }, collection: "sessions", versionKey: false },
    ),
  );
  // Login attempts per account and per client; mails sent per address (see limits/attempt-ledger.ts).
  const SentMail = connection.model("SentMail", attemptSchema("sent_mails"));
  return { Customer, Session, SentMail };
}

export type Models = ReturnType<typeof createModels>;

export const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000;

/** Connects, and creates the collections' indexes where they are missing. */
export async function openDatabase(url: string, options: { onError?: (err: unknown) => void } = {}) {
  const connection = mongoose.createConnection(url, { serverSelectionTimeoutMS: 5000 });
  if (options.onError) connection.on("error", options.onError);
  await connection.asPromise();
  const models = createModels(connection);
  await Promise.all(Object.values(models).map((model) => model.init()));
  return { connection, models };
}

/** The collections whose documents carry events for the outbox relay. */
export const outboxCollections = (connection: Connection) => [
  connection.db!.collection("customers"),
  connection.db!.collection("sessions"),
];

export function createDatabaseCheck(connection: Connection): DependencyCheck {
  return {
    name: "mongodb",
    async check() {
      if (!connection.db) throw new Error("not connected");
      await connection.db.admin().command({ ping: 1 });
    },
  };
}

/** MongoDB cannot be reached: the request may succeed once it is back, so it is a 503, not a 500. */
export function isDatabaseUnreachable(error: unknown): boolean {
  return (
    error instanceof mongoose.mongo.MongoNetworkError ||
    error instanceof mongoose.mongo.MongoServerSelectionError ||
    error instanceof mongoose.Error.MongooseServerSelectionError ||
    // mongoose queues commands while disconnected, then gives up with this
    (error instanceof mongoose.Error && /buffering timed out/.test(error.message))
  );
}
