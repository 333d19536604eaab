import { TOPICS, withOutbox } from "@coffer/contracts";
import type { Customer, Models } from "../customers/customer-model.js";
import { toPublic, type PublicCustomer } from "../customers/customer-service.js";
import { outgoing, type RequestContext } from "../customers/outgoing-events.js";
import { Errors } from "../errors.js";
import { endSessions } from "../sessions/session-revocation.js";
import type { Role } from "../tokens/access-tokens.js";

export type AdminDeps = { models: Models; wakeRelay: () => void };

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

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Customers in the order they registered, optionally those whose address starts with `email`. */
export async function listCustomers(
  models: Models,
  query: { email?: string; cursor?: string; limit: number },
): Promise<{ customers: (PublicCustomer & { disabled: boolean })[]; nextCursor: string | null }> {
  const filter: Record<string, unknown> = { deletedAt: null };
  if (query.email) filter.email = { $regex: `^${escapeRegex(query.email.trim().toLowerCase())}` };
  if (query.cursor) {
    const after = decodeCursor(query.cursor);
    const createdAt = new Date(after.createdAt);
    filter.$or = [{ createdAt: { $gt: createdAt } }, { createdAt, _id: { $gt: after.id } }];
  }
  const page = await models.Customer.find(filter)
    .sort({ createdAt: 1, _id: 1 })
    .limit(query.limit + 1)
    .lean<Customer[]>();
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
  const { Customer } = deps.models;
  const result = await Customer.updateOne(
    { _id: customerId, deletedAt: null },
    withOutbox({ $set: { disabledAt: disabled ? new Date() : null } }, [
      outgoing(disabled ? TOPICS.customerDisabled : TOPICS.customerEnabled, { customerId }, ctx),
    ]),
  );
  if (result.matchedCount === 0) throw Errors.notFound("Customer");
  deps.wakeRelay();
  if (disabled) await endSessions(deps, { customerId }, "disabled", ctx);
}

/**
 * Grants or takes away the admin role (the `grant-admin` and `revoke-admin` commands) and tells
 * every service (`customer.roles-changed`): a token issued before keeps no role taken away.
 * False when no customer has the address (or, to grant, has it verified).
 */
export async function setAdmin(deps: AdminDeps, email: string, admin: boolean, ctx: RequestContext): Promise<boolean> {
  const { Customer } = deps.models;
  // Only a verified address is granted: whoever registered it first may not own it.
  const customer = await Customer.findOne({
    email: email.trim().toLowerCase(),
    deletedAt: null,
    ...(admin && { emailVerifiedAt: { $ne: null } }),
  })
    .select({ _id: 1 })
    .lean<Pick<Customer, "_id">>();
  if (!customer) return false;
  const roles: Role[] = admin ? ["user", "admin"] : ["user"];
  await Customer.updateOne(
    { _id: customer._id },
    withOutbox({ $set: { roles } }, [outgoing(TOPICS.customerRolesChanged, { customerId: customer._id, roles }, ctx)]),
  );
  deps.wakeRelay();
  return true;
}
