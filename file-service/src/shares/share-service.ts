import { createHash, randomBytes, randomUUID } from "node:crypto";
import { TOPICS, createEvent, enqueueEvents, inTransaction, type FieldCipher } from "@coffer/contracts";
import argon2 from "argon2";
import type pg from "pg";
import type { Config } from "../config.js";
import { PRODUCER, findDisplayName } from "../customers/customer-account.js";
import { Errors, ShareErrors } from "../errors.js";
import { findFile, findVersion, type FileRecord, type VersionRecord } from "../files/file-repository.js";
import { isExhausted } from "./share-downloads.js";
import { recordShareSend } from "./share-sends.js";

export type ShareDeps = {
  pool: pg.Pool;
  cipher: FieldCipher;
  publicBaseUrl: string;
  limits: Config["shares"];
};

export const GRANT_TTL_SECONDS = 10 * 60;
const MAX_FAILED_UNLOCKS = 5;
const DAY_MS = 86_400_000;
const ARGON2 = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");
const newToken = () => randomBytes(32).toString("base64url");

type ShareRow = {
  id: string;
  customer_id: string;
  file_id: string;
  password_hash: string | null;
  expires_at: Date;
  max_downloads: number | null;
  download_count: number;
  served_bytes: string;
  revoked_at: Date | null;
  recipients: string[];
  failed_unlocks: number;
  locked_until: Date | null;
  created_at: Date;
};
/** A share found by its token, with its file's current size (what a download is counted in). */
type LinkRow = ShareRow & { file_size: string };

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
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : new Date(now + deps.limits.defaultDays * DAY_MS);
  if (expiresAt.getTime() <= now) throw ShareErrors.expiryInPast();
  if (expiresAt.getTime() > now + deps.limits.maxDays * DAY_MS) throw ShareErrors.expiryTooLate(deps.limits.maxDays);
  const recipients = [...new Set((input.recipients ?? []).map((r) => r.trim().toLowerCase()))];
  if (recipients.length > deps.limits.maxRecipients) throw ShareErrors.tooManyRecipients(deps.limits.maxRecipients);
  const passwordHash = input.password ? await argon2.hash(input.password, ARGON2) : null;
  const token = newToken();
  const id = randomUUID();
  return inTransaction(deps.pool, async (tx) => {
    const file = await findFile(tx, ctx.customerId, fileId);
    if (!file) throw Errors.notFound("File");
    await recordShareSend(tx, { customerId: ctx.customerId, shareId: id, recipients: recipients.length }, deps.limits);
    await tx.query(
      `INSERT INTO shares (id, customer_id, file_id, token_hash, password_hash, expires_at, max_downloads, recipients)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, ctx.customerId, file.id, hashToken(token), passwordHash, expiresAt, input.maxDownloads ?? null, recipients],
    );
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
  const { rows } = await deps.pool.query<ShareRow>(
    "SELECT * FROM shares WHERE customer_id = $1 AND revoked_at IS NULL AND expires_at > now() ORDER BY created_at DESC LIMIT 500",
    [customerId],
  );
  return rows.map(toShare);
}

export async function revokeShare(deps: ShareDeps, customerId: string, shareId: string): Promise<void> {
  const { rowCount } = await deps.pool.query(
    "UPDATE shares SET revoked_at = now() WHERE id = $1 AND customer_id = $2 AND revoked_at IS NULL",
    [shareId, customerId],
  );
  if (rowCount !== 1) throw ShareErrors.notFound();
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
  // A disabled or deleted owner's links serve nothing (customer_access: the projection of their account).
  const { rows } = await db.query<LinkRow & { owner_inactive: boolean }>(
    `SELECT s.*, f.size AS file_size, coalesce(a.disabled OR a.deleted_at IS NOT NULL, false) AS owner_inactive
       FROM shares s JOIN files f ON f.id = s.file_id LEFT JOIN customer_access a ON a.customer_id = s.customer_id
      WHERE s.token_hash = $1`,
    [hashToken(token)],
  );
  const share = rows[0];
  if (!share) throw ShareErrors.notFound();
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
  const { rowCount } = await db.query(
    "SELECT 1 FROM share_grants WHERE grant_hash = $1 AND share_id = $2 AND expires_at > now()",
    [hashToken(grant), shareId],
  );
  return rowCount === 1;
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
  const attempt = await deps.pool.query(
    `UPDATE shares SET failed_unlocks = failed_unlocks + 1,
       locked_until = CASE WHEN failed_unlocks + 1 >= $2
                           THEN now() + make_interval(secs => least(900, power(2, failed_unlocks + 2 - $2)))
                           ELSE locked_until END
     WHERE id = $1 AND (locked_until IS NULL OR locked_until <= now())`,
    [share.id, MAX_FAILED_UNLOCKS],
  );
  if (attempt.rowCount !== 1) {
    const { rows } = await deps.pool.query<{ wait: number | null }>(
      "SELECT extract(epoch FROM locked_until - now())::float8 AS wait FROM shares WHERE id = $1",
      [share.id],
    );
    throw ShareErrors.tooManyAttempts(Math.max(1, Math.ceil(rows[0]?.wait ?? 1)));
  }
  if (!(await argon2.verify(share.password_hash, password))) throw ShareErrors.wrongPassword();
  await deps.pool.query("UPDATE shares SET failed_unlocks = 0, locked_until = NULL WHERE id = $1", [share.id]);
  const grant = newToken();
  await deps.pool.query(
    "INSERT INTO share_grants (grant_hash, share_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))",
    [hashToken(grant), share.id, GRANT_TTL_SECONDS],
  );
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
