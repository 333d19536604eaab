import { randomUUID } from "node:crypto";
import { AccessErrors, type VerifiedCustomer } from "@coffer/contracts/http";
import type { AccountRepository } from "../accounts/account-repository.js";
import type { ClaimRepository } from "../claims/claim-repository.js";
import { hashSecret, newSecret, normalizeEmail, verifyPassword } from "../accounts/credentials.js";
import type { Customer } from "../database.js";
import { Errors } from "../errors.js";
import type { RequestContext } from "../outgoing-events.js";
import type { AccessTokens } from "../tokens/access-tokens.js";
import type { LoginMetrics } from "../metrics/login-metrics.js";
import type { LoginThrottle } from "./login-throttle.js";
import type { SessionRepository } from "./session-repository.js";
import { endSessions } from "./session-revocation.js";

export type SessionDeps = {
  accounts: AccountRepository;
  sessions: SessionRepository;
  claims: ClaimRepository;
  tokens: AccessTokens;
  throttle: LoginThrottle;
  loginMetrics: LoginMetrics;
  refreshTtlSeconds: number;
  /** Tells the outbox relay that events were just committed. */
  wakeRelay: () => void;
};

export type IssuedTokens = {
  accessToken: string;
  tokenType: "Bearer";
  expiresIn: number;
  refreshToken: string;
};

export type PublicSession = {
  id: string;
  device: string;
  ip: string;
  createdAt: string;
  lastUsedAt: string;
  current: boolean;
};

/** A refresh token names its session, so a stolen, already-rotated token can be recognised. */
const formatRefreshToken = (sessionId: string, secret: string) => `${sessionId}.${secret}`;

function parseRefreshToken(token: string): { sessionId: string; secret: string } {
  const [sessionId, secret, extra] = token.split(".");
  if (!sessionId || !secret || extra !== undefined) throw Errors.invalidRefreshToken();
  return { sessionId, secret };
}

async function issue(deps: SessionDeps, customer: Customer, sessionId: string, secret: string): Promise<IssuedTokens> {
  return {
    accessToken: await deps.tokens.issue({ customerId: customer._id, roles: customer.roles, sessionId }),
    tokenType: "Bearer",
    expiresIn: deps.tokens.ttlSeconds,
    refreshToken: formatRefreshToken(sessionId, secret),
  };
}

export async function login(
  deps: SessionDeps,
  input: { email: string; password: string; ip: string; userAgent: string },
): Promise<IssuedTokens> {
  const email = normalizeEmail(input.email);
  const attempt = await deps.throttle.begin(email, input.ip);
  let customer: Customer | null;
  let verified: boolean;
  try {
    customer = await deps.accounts.findByEmail(email);
    // Runs argon2 whether or not the account exists: same answer, similar time.
    verified = await verifyPassword(customer?.passwordHash, input.password);
  } catch (error) {
    // An outage is no failed guess: it must not lock the account.
    await attempt.abandoned().catch(() => undefined);
    throw error;
  }
  if (!verified || !customer) {
    if (attempt.locksOnFailure) deps.loginMetrics.lockedOut();
    throw Errors.invalidCredentials();
  }
  await attempt.succeeded();
  if (!customer.emailVerifiedAt) throw Errors.emailNotVerified();
  if (customer.disabledAt) throw Errors.accountDisabled();

  const sessionId = randomUUID();
  const secret = newSecret();
  const now = new Date();
  await deps.sessions.insert({
    _id: sessionId,
    customerId: customer._id,
    refreshTokenHash: hashSecret(secret),
    userAgent: input.userAgent.slice(0, 300),
    ip: input.ip,
    lastUsedAt: now,
    expiresAt: new Date(now.getTime() + deps.refreshTtlSeconds * 1000),
  });
  return issue(deps, customer, sessionId, secret);
}

/**
 * Trades a refresh token for a new pair. The presented token dies; presenting it again means it
 * was stolen (or the client is broken), so the whole session is revoked.
 */
export async function refresh(deps: SessionDeps, token: string, ctx: RequestContext): Promise<IssuedTokens> {
  const { sessionId, secret } = parseRefreshToken(token);
  const presented = hashSecret(secret);
  const session = await deps.sessions.findById(sessionId);
  if (!session || session.revokedAt || session.expiresAt <= new Date()) throw Errors.invalidRefreshToken();
  const isCurrent = session.refreshTokenHash === presented;
  if (!isCurrent && !session.previousHashes.includes(presented)) throw Errors.invalidRefreshToken();
  // The token is used once, by whoever claims it first, on any instance; every other use is a reuse.
  if (!isCurrent || !(await deps.claims.claim(`refresh-token:${presented}`))) {
    await endSessions(deps, { sessionId }, "refresh-token-reused", ctx);
    throw Errors.refreshTokenReused();
  }
  const next = newSecret();
  const rotated = await deps.sessions.rotate(sessionId, presented, hashSecret(next));
  if (!rotated) throw Errors.invalidRefreshToken();
  const customer = await deps.accounts.findById(rotated.customerId);
  if (!customer || customer.disabledAt) {
    await endSessions(deps, { sessionId }, customer ? "disabled" : "deleted", ctx);
    throw Errors.invalidRefreshToken();
  }
  return issue(deps, customer, sessionId, next);
}

/** Ends the session the refresh token belongs to; an unknown or dead token is not an error. */
export async function logout(deps: SessionDeps, token: string, ctx: RequestContext): Promise<void> {
  let parsed: { sessionId: string; secret: string };
  try {
    parsed = parseRefreshToken(token);
  } catch {
    return;
  }
  await endSessions(deps, { sessionId: parsed.sessionId, refreshTokenHash: hashSecret(parsed.secret) }, "logout", ctx);
}

export async function listSessions(
  deps: SessionDeps,
  customerId: string,
  currentSessionId: string,
): Promise<PublicSession[]> {
  return (await deps.sessions.listLive(customerId)).map((s) => ({
    id: s._id,
    device: s.userAgent,
    ip: s.ip,
    createdAt: s.createdAt.toISOString(),
    lastUsedAt: s.lastUsedAt.toISOString(),
    current: s._id === currentSessionId,
  }));
}

export async function revokeSession(
  deps: SessionDeps,
  customerId: string,
  sessionId: string,
  ctx: RequestContext,
): Promise<void> {
  // Scoped to the owner: another customer's session id is "not found", never revoked.
  if ((await endSessions(deps, { sessionId, customerId }, "revoked", ctx)) === 0) throw Errors.notFound("Session");
}

/**
 * What authentication asks of every access token after its signature: its session still live,
 * its customer neither disabled nor deleted, read from this service's own database on every
 * request; the roles are the customer's roles now, not the token's.
 */
export async function checkAccess(
  deps: Pick<SessionDeps, "accounts" | "sessions">,
  verified: VerifiedCustomer,
): Promise<VerifiedCustomer> {
  const customer = await deps.accounts.findById(verified.customerId);
  if (!customer) throw AccessErrors.tokenRevoked("The account no longer exists");
  if (customer.disabledAt) throw AccessErrors.accountDisabled();
  if (!(await deps.sessions.isLive(verified.sessionId, verified.customerId))) throw AccessErrors.tokenRevoked();
  return { ...verified, roles: customer.roles };
}
