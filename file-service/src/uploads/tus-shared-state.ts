import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { MetadataValue } from "@tus/s3-store";
import type { KvStore, Lock, Locker } from "@tus/server";
import type pg from "pg";
import { tusError } from "../errors.js";
import type { LeaseMemo, TusLeaseMemos } from "./tus-lease-memos.js";
import {
  acquireTusLock,
  deleteTusInfo,
  readTusInfo,
  releaseTusLock,
  renewTusLock,
  requestTusLockRelease,
  writeTusInfo,
} from "./tus-state-repository.js";

export type TusLockTimings = {
  /** How long a holder vouches for its lock; an instance that dies frees it after this. */
  leaseMs: number;
  /** How often a holder renews its lease, and so how soon it hears that another request waits. */
  renewMs: number;
  /** How long a request waits for the lock before it is refused with UPLOAD_LOCKED. */
  acquireTimeoutMs: number;
  pollMs: number;
};

export const TUS_LOCK_TIMINGS: TusLockTimings = {
  leaseMs: 10_000,
  renewMs: 1000,
  acquireTimeoutMs: 20_000,
  pollMs: 200,
};

/**
 * tus's lock of an upload, as a lease row every instance sees, so that one request at a time
 * writes an upload whichever instance serves it. A request that finds the upload locked asks
 * the holder to let go, as tus's own locker does: the holder hears it at its next renewal and
 * tus ends its body after its drain delay, keeping what arrived (a client retrying over a
 * half-open connection gets through). The waiter is refused after `acquireTimeoutMs`. Each
 * statement stands alone: nothing relies on a session, so a pooler in transaction mode is fine.
 */
export function createTusLocker(
  pool: pg.Pool,
  memos: TusLeaseMemos,
  timings: TusLockTimings = TUS_LOCK_TIMINGS,
): Locker {
  return { newLock: (uploadId) => createTusLock(pool, memos, uploadId, timings) };
}

function createTusLock(pool: pg.Pool, memos: TusLeaseMemos, uploadId: string, timings: TusLockTimings): Lock {
  const holder = randomUUID();
  let renewal: NodeJS.Timeout | undefined;
  let memo: LeaseMemo | undefined;
  return {
    async lock(signal, requestRelease) {
      const deadline = Date.now() + timings.acquireTimeoutMs;
      let asked = false;
      while (!(await acquireTusLock(pool, uploadId, holder, timings.leaseMs))) {
        if (signal.aborted || Date.now() >= deadline) {
          throw tusError("UPLOAD_LOCKED", "Another request is writing this upload; resume from its offset (HEAD)");
        }
        if (!asked) await requestTusLockRelease(pool, uploadId);
        asked = true;
        await sleep(timings.pollMs);
      }
      memo = memos.open(uploadId);
      renewal = setInterval(() => {
        renewTusLock(pool, uploadId, holder, timings.leaseMs).then(
          (state) => {
            if (state !== "held") void requestRelease();
          },
          // The database is away: the next renewal tries again, and hears "lost" if the lease ran out.
          () => undefined,
        );
      }, timings.renewMs).unref();
    },
    async unlock() {
      clearInterval(renewal);
      if (memo) memos.close(uploadId, memo);
      await releaseTusLock(pool, uploadId, holder);
    },
  };
}

/**
 * The S3 store's cache of each upload's info, in PostgreSQL: any instance continues any upload.
 * The lock holder reads it once per lease (held as PostgreSQL returns it: plain JSON).
 */
export function createTusInfoStore(pool: pg.Pool, memos: TusLeaseMemos): KvStore<MetadataValue> {
  return {
    async get(uploadId) {
      const memo = memos.held(uploadId);
      if (memo?.info) return memo.info;
      const info = (await readTusInfo(pool, uploadId)) as MetadataValue | undefined;
      if (memo) memo.info = info;
      return info;
    },
    async set(uploadId, value) {
      await writeTusInfo(pool, uploadId, value);
      const memo = memos.held(uploadId);
      if (memo) memo.info = JSON.parse(JSON.stringify(value)) as MetadataValue;
    },
    async delete(uploadId) {
      await deleteTusInfo(pool, uploadId);
      delete memos.held(uploadId)?.info;
    },
  };
}
