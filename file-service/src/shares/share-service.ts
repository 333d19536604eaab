import { createHash, randomBytes, randomUUID } from "node:crypto";
import { TOPICS, createEvent, enqueueEvents, type FieldCipher } from "@coffer/contracts";
import { inTransaction } from "@coffer/contracts/pg";
import argon2 from "argon2";
import type pg from "pg";
import { findDisplayName } from "../accounts/account-repository.js";
import type { Config } from "../config.js";
import { Errors, ShareErrors } from "../errors.js";
import { findFile, findVersion, type FileRecord, type VersionRecord } from "../files/file-repository.js";
import { PRODUCER } from "../service.js";
import { isExhausted } from "./share-downloads.js";
import {
  countUnlockAttempt,
  findLiveShares,
  findShareByTokenHash,
  hasLiveGrant,
  insertGrant,
  insertShare,
  lockedForSeconds,
  markRevoked,
  purgeExpiredGrants,
  purgeOldSends,
  resetUnlockAttempts,
  type LinkRow,
  type ShareRow,
} from "./share-repository.js";
import { recordShareSend } from "./share-sends.js";

export type ShareDeps = {
  pool: pg.Pool;
  cipher: FieldCipher;
  publicBaseUrl: string;
  shareLimits: Config["shares"];
};

export const GRANT_TTL_SECONDS = 10 * 60;
const MAX_FAILED_UNLOCKS = 5;
const DAY_MS = 86_400_000;
const ARGON2 = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");
const newToken = () => randomBytes(32).toString("base64url");

export const toShare = (r: ShareRow) => ({
  id: r.id,
  fileId: r.file_id,
  expiresAt: r.expires_at.toISOString(),
  passwordProtected: r.password_hash !== null,
  maxDownloads: r.max_downloads,
  downloads: r.download_count,
  recipients: r.recipients,
  createdAt: r.created_at.toISOString(),
});

/**
 * Creates a share link: an unguessable 256-bit token, stored hashed; the owner gets the URL,
 * the recipients get it by e-mail (the token travels encrypted in `share.created`).
 */
export async function createShare(
  deps: ShareDeps,
  ctx: { customerId: string; correlationId: string },
  fileId: string,
  input: { expiresAt?: string; password?: string; maxDownloads?: number; recipients?: string[] },
) {
  const now = Date.now();
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : new Date(now + deps.shareLimits.defaultDays * DAY_MS);
  if (expiresAt.getTime() <= now) throw ShareErrors.expiryInPast();
  if (expiresAt.getTime() > now + deps.shareLimits.maxDays * DAY_MS)
    throw ShareErrors.expiryTooLate(deps.shareLimits.maxDays);
  const recipients = [...new Set((input.recipients ?? []).map((r) => r.trim().toLowerCase()))];
  if (recipients.length > deps.shareLimits.maxRecipients)
    throw ShareErrors.tooManyRecipients(deps.shareLimits.maxRecipients);
  const passwordHash = input.password ? await argon2.hash(input.password, ARGON2) : null;
  const token = newToken();
  const id = randomUUID();
  return inTransaction(deps.pool, async (tx) => {
    const file = await findFile(tx, ctx.customerId, fileId);
    if (!file) throw Errors.notFound("File");
    await recordShareSend(
      tx,
      { customerId: ctx.customerId, shareId: id, recipients: recipients.length },
      deps.shareLimits,
    );
    await insertShare(tx, {
      id,
      customerId: ctx.customerId,
      fileId: file.id,
      tokenHash: hashToken(token),
      passwordHash,
      expiresAt,
      maxDownloads: input.maxDownloads ?? null,
      recipients,
    });
    await enqueueEvents(tx, [
      {
        topic: TOPICS.shareCreated,
        event: createEvent(
          TOPICS.shareCreated,
          {
            customerId: ctx.customerId,
            shareId: id,
            fileId: file.id,
            fileName: file.name,
            expiresAt,
            passwordProtected: passwordHash !== null,
            recipients,
            token: deps.cipher.encrypt(token, `${TOPICS.shareCreated}:${ctx.customerId}`),
          },
          { correlationId: ctx.correlationId, producer: PRODUCER },
        ),
      },
    ]);
    return { id, url: `${deps.publicBaseUrl}/s/${token}`, expiresAt: expiresAt.toISOString() };
  });
}

export async function listShares(deps: ShareDeps, customerId: string) {
  return (await findLiveShares(deps.pool, customerId)).map(toShare);
}

export async function revokeShare(deps: ShareDeps, customerId: string, shareId: string): Promise<void> {
  if (!(await markRevoked(deps.pool, customerId, shareId))) throw ShareErrors.notFound();
}

/**
 * A live link by its token. It is spent once it served every byte it may (a broken download can
 * still be finished); `describeShare` calls it spent once every download was served in full.
 */
async function findByToken(
  db: pg.ClientBase | pg.Pool,
  token: string,
  spentWhen: "every-byte" | "every-download" = "every-byte",
): Promise<LinkRow> {
  const share = await findShareByTokenHash(db, hashToken(token));
  if (!share) throw ShareErrors.notFound();
  // A disabled or deleted owner's links serve nothing.
  if (share.owner_inactive) throw ShareErrors.ownerInactive();
  if (share.revoked_at) throw ShareErrors.revoked();
  if (share.expires_at.getTime() <= Date.now()) throw ShareErrors.expired();
  if (isExhausted(share, Number(share.file_size), spentWhen === "every-byte")) throw ShareErrors.exhausted();
  return share;
}

/** A link whose file is still there; spent once every download was served in full (see findByToken). */
async function findLiveShare(db: pg.Pool, token: string) {
  const share = await findByToken(db, token, "every-download");
  const file = await findFile(db, share.customer_id, share.file_id);
  if (!file) throw ShareErrors.unavailable();
  return { share, file };
}

async function hasGrant(db: pg.Pool, shareId: string, grant: string | undefined): Promise<boolean> {
  if (!grant) return false;
  return hasLiveGrant(db, shareId, hashToken(grant));
}

/** What an anonymous visitor may know about a link before downloading. */
export async function describeShare(deps: ShareDeps, token: string) {
  const { share, file } = await findLiveShare(deps.pool, token);
  return describe(share, file);
}

const describe = (share: LinkRow, file: FileRecord) => ({
  fileName: file.name,
  size: file.size,
  contentType: file.contentType,
  expiresAt: share.expires_at.toISOString(),
  passwordRequired: share.password_hash !== null,
  downloadsLeft: share.max_downloads === null ? null : Math.max(0, share.max_downloads - share.download_count),
});

/**
 * What the link's page shows: the description, the name the sharer gave themselves (null
 * while file-service has not heard it), and whether this visitor may download now.
 */
export async function viewShare(deps: ShareDeps, token: string, grant: string | undefined) {
  const { share, file } = await findLiveShare(deps.pool, token);
  return {
    ...describe(share, file),
    sharerName: await findDisplayName(deps.pool, share.customer_id),
    unlocked: share.password_hash === null || (await hasGrant(deps.pool, share.id, grant)),
  };
}

/**
 * Trades the password for a grant good for 10 minutes. Every attempt is counted as a failure
 * before the password is checked, in the one statement that decides whether it may be checked
 * at all: parallel guesses, on any number of instances, cannot all slip in before the lock. The
 * fifth failure locks the link for 2 s, each one after it doubles that (at most 15 minutes); the
 * right password resets the count.
 */
export async function unlockShare(deps: ShareDeps, token: string, password: string) {
  const share = await findByToken(deps.pool, token);
  if (!share.password_hash) throw ShareErrors.notFound();
  if (!(await countUnlockAttempt(deps.pool, share.id, MAX_FAILED_UNLOCKS))) {
    const wait = await lockedForSeconds(deps.pool, share.id);
    throw ShareErrors.tooManyAttempts(Math.max(1, Math.ceil(wait ?? 1)));
  }
  if (!(await argon2.verify(share.password_hash, password))) throw ShareErrors.wrongPassword();
  await resetUnlockAttempts(deps.pool, share.id);
  const grant = newToken();
  await insertGrant(deps.pool, hashToken(grant), share.id, GRANT_TTL_SECONDS);
  return { grant, expiresIn: GRANT_TTL_SECONDS };
}

/** The file version a visitor may download now (password grant checked), without counting yet. */
export async function openShare(deps: ShareDeps, token: string, grant: string | undefined) {
  const share = await findByToken(deps.pool, token);
  if (share.password_hash && !(await hasGrant(deps.pool, share.id, grant))) throw ShareErrors.passwordRequired();
  const file = await findFile(deps.pool, share.customer_id, share.file_id);
  if (!file) throw ShareErrors.unavailable();
  const version = (await findVersion(deps.pool, file.id, file.currentVersion)) as VersionRecord;
  return { share, file, version };
}

/** Forgets grants past their expiry, and share sends past the longest window: nothing counts them any more. */
export async function forgetExpiredShareState(db: pg.Pool): Promise<void> {
  await Promise.all([purgeExpiredGrants(db), purgeOldSends(db)]);
}
