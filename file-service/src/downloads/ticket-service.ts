import { createHash, randomBytes } from "node:crypto";
import { TicketErrors } from "../errors.js";
import { getFileVersion, type FileDeps } from "../files/file-service.js";
import { findTicket, insertTicket } from "./ticket-repository.js";

export type TicketDeps = FileDeps & { publicBaseUrl: string };
type Ctx = { customerId: string; sessionId: string; correlationId: string };

/** Long enough for the browser to start the download it was asked for, too short to be worth stealing. */
export const DOWNLOAD_TICKET_TTL_SECONDS = 60;

const hashTicket = (ticket: string) => createHash("sha256").update(ticket).digest("hex");

/**
 * A link that downloads one version of the owner's file (the current one when no number is
 * given) without a token, for a minute: a native, streamed browser download. Within that
 * minute it may be used again (a browser's retry or resume of the same download).
 */
export async function issueDownloadTicket(deps: TicketDeps, ctx: Ctx, fileId: string, versionNumber?: number) {
  const { file, version } = await getFileVersion(deps, ctx, fileId, versionNumber);
  const ticket = randomBytes(32).toString("base64url");
  const expiresAt = await insertTicket(
    deps.pool,
    {
      ticketHash: hashTicket(ticket),
      customerId: ctx.customerId,
      fileId: file.id,
      version: version.version,
      sessionId: ctx.sessionId,
    },
    DOWNLOAD_TICKET_TTL_SECONDS,
  );
  return { url: `${deps.publicBaseUrl}/downloads/${ticket}`, expiresAt: expiresAt.toISOString() };
}

/** The file and version a live ticket names; a ticket whose owner or session lost access is gone. */
export async function redeemDownloadTicket(deps: TicketDeps, ticket: string, correlationId: string) {
  const row = await findTicket(deps.pool, hashTicket(ticket));
  if (!row || row.revoked) throw TicketErrors.notFound();
  if (row.expired) throw TicketErrors.expired();
  return getFileVersion(deps, { customerId: row.customer_id, correlationId }, row.file_id, row.version);
}
