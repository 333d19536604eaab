import type { Customer, Models } from "../customers/customer-model.js";
import { toPublic, type PublicCustomer } from "../customers/customer-service.js";
import { Errors } from "../errors.js";

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

/** Disabling ends every session at once; the customer cannot log in until enabled again. */
export async function setDisabled(models: Models, customerId: string, disabled: boolean): Promise<void> {
  const now = new Date();
  const result = await models.Customer.updateOne(
    { _id: customerId, deletedAt: null },
    { $set: { disabledAt: disabled ? now : null } },
  );
  if (result.matchedCount === 0) throw Errors.notFound("Customer");
  if (disabled) await models.Session.updateMany({ customerId, revokedAt: null }, { $set: { revokedAt: now } });
}

/** Grants the admin role (the `grant-admin` command), only to a verified address: whoever registered it first may not own it. */
export async function grantAdmin(models: Models, email: string): Promise<boolean> {
  const result = await models.Customer.updateOne(
    { email: email.trim().toLowerCase(), deletedAt: null, emailVerifiedAt: { $ne: null } },
    { $addToSet: { roles: "admin" } },
  );
  return result.matchedCount === 1;
}
