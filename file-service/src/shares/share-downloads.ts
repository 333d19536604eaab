import { TOPICS, createEvent, enqueueEvents } from "@coffer/contracts";
import { inTransaction } from "@coffer/contracts/pg";
import type pg from "pg";
import { ShareErrors } from "../errors.js";
import { PRODUCER } from "../service.js";
import { chargeServedBytes, refundServedBytes } from "./share-repository.js";

const RESUME_TOLERANCE_CAP = 16 * 2 ** 20;

/**
 * How a share's downloads are counted from the bytes it served (`served_bytes`), whatever
 * Range asked for them: a download is a file's worth of bytes, and the first byte of each
 * counts it. A browser resuming a broken download asks again for bytes the server had sent but
 * the browser never received; up to `tolerance` such bytes are allowed over the limit, a quarter
 * of the file at most, so no one gets a second copy out of it.
 */
export function downloadUnit(fileSize: number) {
  const unit = Math.max(fileSize, 1);
  return { unit, tolerance: Math.min(Math.floor(unit / 4), RESUME_TOLERANCE_CAP) };
}

/** Whether a link has served every download it allows (`withTolerance`: and every byte over). */
export function isExhausted(
  share: { max_downloads: number | null; served_bytes: string | number },
  fileSize: number,
  withTolerance: boolean,
): boolean {
  if (share.max_downloads === null) return false;
  const { unit, tolerance } = downloadUnit(fileSize);
  return Number(share.served_bytes) >= share.max_downloads * unit + (withTolerance ? tolerance : 0);
}

/**
 * Charges `bytes` about to be served to the share, in one statement that decides under any
 * number of parallel requests on any number of instances: a request counts a new download when
 * every counted one was served in full, or when its bytes do not fit in those counted (with the
 * tolerance); past `max_downloads` it is refused. Each new download publishes `share.accessed`.
 */
export async function chargeDownload(
  pool: pg.Pool,
  served: { shareId: string; fileName: string; fileSize: number; bytes: number },
  correlationId: string,
): Promise<void> {
  const { unit, tolerance } = downloadUnit(served.fileSize);
  await inTransaction(pool, async (tx) => {
    const charged = await chargeServedBytes(tx, { shareId: served.shareId, bytes: served.bytes, unit, tolerance });
    if (!charged) throw ShareErrors.exhausted();
    if (charged.after === charged.before) return;
    await enqueueEvents(tx, [
      {
        topic: TOPICS.shareAccessed,
        event: createEvent(
          TOPICS.shareAccessed,
          {
            customerId: charged.customer_id,
            shareId: served.shareId,
            fileId: charged.file_id,
            fileName: served.fileName,
            accessedAt: new Date(),
          },
          { correlationId, producer: PRODUCER },
        ),
      },
    ]);
  });
}

/** Gives back what a response was charged but never handed out (the client left first). */
export async function refundDownload(pool: pg.Pool, shareId: string, bytes: number): Promise<void> {
  if (bytes <= 0) return;
  await refundServedBytes(pool, shareId, bytes);
}
