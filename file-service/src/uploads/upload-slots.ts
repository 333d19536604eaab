import { randomUUID } from "node:crypto";
import { type EventLogger } from "@coffer/contracts";
import { AccessErrors } from "@coffer/contracts/http";
import type pg from "pg";
import { ensureCustomer } from "../accounts/account-repository.js";
import { Errors } from "../errors.js";
import { SERVICE_NAME } from "../service.js";
import type { FileStorage } from "../storage/file-storage.js";
import {
  consumeReservation,
  growReservation,
  openReservation,
  reapExpiredReservations,
  releaseReservation,
  renewReservations,
} from "./reservation-repository.js";

export type UploadLimits = Readonly<{
  maxPerCustomer: number;
  maxPerInstance: number;
  idleTimeoutMs: number;
  leaseMs: number;
}>;

/** A request's reservation while it streams: bytes held against the quota, leased to this instance. */
export type UploadSlot = {
  /** Reserves more as the content grows; false when the quota is full. */
  grow(bytes: number): Promise<boolean>;
  /** In the transaction that records the content: closes the reservation, answers the bytes it held. */
  consume(tx: pg.ClientBase): Promise<number>;
  /** Gives back whatever is still reserved (nothing after a committed `consume`). Always call it. */
  release(): Promise<void>;
};

export type UploadSlots = {
  /**
   * Opens a slot with `bytes` reserved. A capped slot (a client's body) counts against the
   * customer's cap, across instances (their open reservations in the database), and against this
   * instance's cap (what its memory can carry). The object it streams to, if any: should this
   * instance die, the reaper aborts the multipart upload it left there.
   */
  open(customerId: string, bytes: number, options?: { capped?: boolean; objectKey?: string }): Promise<UploadSlot>;
  start(): void;
  stop(): void;
  /** The reservations this instance holds now: the requests it receives content for. */
  inFlight(): number;
};

export function createUploadSlots(deps: {
  pool: pg.Pool;
  storage: FileStorage;
  defaultQuotaBytes: number;
  limits: UploadLimits;
  logger: EventLogger;
}): UploadSlots {
  const { pool, limits } = deps;
  const owner = `${SERVICE_NAME}-${randomUUID()}`;
  // This process's own reservations: it renews their leases while it serves them.
  const live = new Set<string>();
  let streaming = 0;
  const timers: NodeJS.Timeout[] = [];

  async function renew() {
    await renewReservations(pool, [...live], limits.leaseMs);
  }
  async function reap() {
    const { objectKeys, ...reaped } = await reapExpiredReservations(pool);
    if (reaped.reservations > 0) {
      deps.logger.warn(reaped, "released the reservations of uploads whose instance stopped renewing them");
    }
    for (const key of objectKeys) await deps.storage.abortIncomplete(key);
  }

  return {
    async open(customerId, bytes, { capped = true, objectKey } = {}) {
      if (capped && streaming >= limits.maxPerInstance) throw Errors.uploadsBusy();
      if (capped) streaming += 1;
      const id = randomUUID();
      try {
        const reservation = {
          id,
          customerId,
          owner,
          bytes,
          leaseMs: limits.leaseMs,
          objectKey,
          ...(capped && { maxOpen: limits.maxPerCustomer }),
        };
        let opening = await openReservation(pool, reservation);
        if (opening === "no-customer") {
          await ensureCustomer(pool, customerId, deps.defaultQuotaBytes);
          opening = await openReservation(pool, reservation);
        }
        if (opening === "too-many") throw Errors.tooManyUploads(limits.maxPerCustomer);
        if (opening === "quota") throw Errors.quotaExceeded();
        // Deleted between the two: its row went with the account.
        if (opening === "no-customer") throw AccessErrors.tokenRevoked("The account no longer exists");
      } catch (error) {
        if (capped) streaming -= 1;
        throw error;
      }
      live.add(id);
      let open = true;
      return {
        grow: (more) => growReservation(pool, id, more, limits.leaseMs),
        consume: (tx) => consumeReservation(tx, id),
        async release() {
          if (!open) return;
          open = false;
          if (capped) streaming -= 1;
          live.delete(id);
          // Should this fail, the lease runs out unrenewed and the reaper gives the bytes back.
          await releaseReservation(pool, id);
        },
      };
    },
    start() {
      const run = (job: () => Promise<void>, what: string) => () =>
        void job().catch((err: unknown) => deps.logger.warn({ err }, `${what} failed`));
      timers.push(
        setInterval(run(renew, "renewing upload reservations"), limits.leaseMs / 3).unref(),
        setInterval(run(reap, "reaping upload reservations"), limits.leaseMs / 2).unref(),
      );
    },
    stop() {
      for (const timer of timers) clearInterval(timer);
    },
    inFlight: () => live.size,
  };
}
