import { TOPICS } from "@coffer/contracts";
import type { AccountRepository } from "../accounts/account-repository.js";
import { toPublic, type PublicCustomer } from "../accounts/account-service.js";
import { normalizeEmail } from "../accounts/credentials.js";
import type { Customer } from "../database.js";
import { Errors } from "../errors.js";
import { outgoing, type RequestContext } from "../outgoing-events.js";
import type { SessionRepository } from "../sessions/session-repository.js";
import { endSessions } from "../sessions/session-revocation.js";
import type { Role } from "../tokens/access-tokens.js";

export type AdminDeps = { accounts: AccountRepository; sessions: SessionRepository; wakeRelay: () => void };

type Cursor = { createdAt: string; id: string };

const encodeCursor = (c: Customer) =>
  Buffer.from(JSON.stringify({ createdAt: c.createdAt.toISOString(), id: c._id })).toString("base64url");

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Exactly what `encodeCursor` writes, or nothing: the cursor is the client's to forge. */
function decodeCursor(cursor: string): Cursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw Errors.invalidCursor();
  }
  if (
    typeof value !== "object" ||
    value === null ||
    !("createdAt" in value && "id" in value) ||
    typeof value.createdAt !== "string" ||
    typeof value.id !== "string" ||
    !UUID.test(value.id) ||
    // The round trip refuses what Date.parse stretches (2026-02-30 is March 2nd) or cannot read.
    !(Number.isFinite(Date.parse(value.createdAt)) && new Date(value.createdAt).toISOString() === value.createdAt)
  ) {
    throw Errors.invalidCursor();
  }
  return { createdAt: value.createdAt, id: value.id };
}

/** Customers in the order they registered, optionally those whose address starts with `email`. */
export async function listCustomers(
  deps: Pick<AdminDeps, "accounts">,
  query: { email?: string; cursor?: string; limit: number },
): Promise<{ customers: (PublicCustomer & { disabled: boolean })[]; nextCursor: string | null }> {
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const page = await deps.accounts.list({
    emailPrefix: query.email && normalizeEmail(query.email),
    after: after && { createdAt: new Date(after.createdAt), id: after.id },
    limit: query.limit + 1,
  });
  const items = page.slice(0, query.limit);
  return {
    customers: items.map((c) => ({ ...toPublic(c), disabled: c.disabledAt !== null })),
    nextCursor: page.length > query.limit ? encodeCursor(items.at(-1)!) : null,
  };
}

/**
 * Disabling ends every session at once and tells every service (`customer.disabled`): they refuse
 * the customer's tokens and public links until `customer.enabled`. Each call announces the state,
 * changed or not (the services apply the newest), so disabling again reaches a service that
 * missed it.
 */
export async function setDisabled(
  deps: AdminDeps,
  customerId: string,
  disabled: boolean,
  ctx: RequestContext,
): Promise<void> {
  const found = await deps.accounts.setDisabled(customerId, disabled, [
    outgoing(disabled ? TOPICS.customerDisabled : TOPICS.customerEnabled, { customerId }, ctx),
  ]);
  if (!found) throw Errors.notFound("Customer");
  deps.wakeRelay();
  if (disabled) await endSessions(deps, { customerId }, "disabled", ctx);
}

/**
 * Grants or takes away the admin role (the `grant-admin` and `revoke-admin` commands) and tells
 * every service (`customer.roles-changed`): a token issued before keeps no role taken away.
 * False when no customer has the address (or, to grant, has it verified).
 */
export async function setAdmin(deps: AdminDeps, email: string, admin: boolean, ctx: RequestContext): Promise<boolean> {
  const customer = await deps.accounts.findByEmail(normalizeEmail(email));
  // Only a verified address is granted: whoever registered it first may not own it.
  if (!customer || (admin && !customer.emailVerifiedAt)) return false;
  const roles: Role[] = admin ? ["user", "admin"] : ["user"];
  await deps.accounts.setRoles(customer._id, roles, [
    outgoing(TOPICS.customerRolesChanged, { customerId: customer._id, roles }, ctx),
  ]);
  deps.wakeRelay();
  return true;
}
