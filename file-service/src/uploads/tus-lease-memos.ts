import type { MetadataValue } from "@tus/s3-store";

/**
 * What the holder of an upload's lock learned of it from PostgreSQL and MinIO (its info, its
 * parts, whether a `.part` object waits), kept only while it holds the lock: no other request,
 * on any instance, writes the upload meanwhile, so a PATCH reads each of them once instead of
 * once in tus's `getUpload` and again in the store's `write`. Whatever the holder itself
 * changes it updates or forgets here; the next holder starts from nothing.
 */
export type LeaseMemo = {
  info?: MetadataValue;
  parts?: readonly unknown[];
  incompletePart?: { size: number | undefined };
};

export type TusLeaseMemos = {
  /** The memo of an upload this instance holds the lock of, if it does. */
  held(uploadId: string): LeaseMemo | undefined;
  open(uploadId: string): LeaseMemo;
  close(uploadId: string, memo: LeaseMemo): void;
};

export function createTusLeaseMemos(): TusLeaseMemos {
  const memos = new Map<string, LeaseMemo>();
  return {
    held: (uploadId) => memos.get(uploadId),
    open(uploadId) {
      const memo: LeaseMemo = {};
      memos.set(uploadId, memo);
      return memo;
    },
    close(uploadId, memo) {
      if (memos.get(uploadId) === memo) memos.delete(uploadId);
    },
  };
}
