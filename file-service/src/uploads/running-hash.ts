import { AsyncLocalStorage } from "node:async_hooks";
import { PassThrough, Transform, pipeline, type Readable } from "node:stream";
import type { Upload } from "@tus/server";
import { S3Store, type MetadataValue, type Options } from "@tus/s3-store";
import type pg from "pg";
import { moveRunningHash, readRunningHash } from "./resumable-repository.js";
import { startSha256, type RunningSha256 } from "./sha256-state.js";
import type { TusLeaseMemos } from "./tus-lease-memos.js";

type Parts = Awaited<ReturnType<S3Store["retrieveParts"]>>;

/** S3's largest part. */
const MAX_PART_BYTES = 5 * 2 ** 30;

const chunkLengths = new AsyncLocalStorage<number | undefined>();

/** Runs `handle` (tus serving one request) knowing the Content-Length its client declared, if any. */
export function withChunkLength<T>(contentLength: string | undefined, handle: () => T): T {
  const length = contentLength === undefined ? undefined : Number(contentLength);
  return chunkLengths.run(Number.isSafeInteger(length) ? length : undefined, handle);
}

/**
 * tus's S3 store, hashing each chunk as it passes: the SHA-256's state after the bytes stored so
 * far is kept with the upload in PostgreSQL, so the next chunk continues it on whichever
 * instance serves it, and the completion needs no second read of the object (node's hash cannot
 * export its state: sha256-state.ts). The state is keyed by its offset: a chunk that does not
 * start where it ends (a write cut short, a chunk stored without hashing, a state this instance
 * cannot read) drops it, and the completion then reads the object back to hash it.
 *
 * A chunk whose length the client declared, that is a valid part on its own (5 MiB or more, or
 * the upload's end) and follows whole parts only, streams straight into its UploadPart while it
 * arrives; @tus/s3-store would first spool it to a temporary file. Such a part is all or nothing:
 * cut short, its UploadPart is aborted and the offset stays where it was. Any other chunk takes
 * the library's path (split into parts, a short end kept in a `.part` object).
 */
export class HashingS3Store extends S3Store {
  constructor(
    private readonly pool: pg.Pool,
    private readonly memos: TusLeaseMemos,
    options: Options,
  ) {
    super(options);
  }

  // While this instance holds the upload's lock, tus's `getUpload` and the `write` after it share
  // one ListParts and one look at the `.part` object (see tus-lease-memos.ts).
  protected override async retrieveParts(id: string, partNumberMarker?: string): Promise<Parts> {
    const memo = partNumberMarker === undefined ? this.memos.held(id) : undefined;
    if (memo?.parts) return [...memo.parts] as Parts;
    const parts = await super.retrieveParts(id, partNumberMarker);
    if (memo) memo.parts = [...parts];
    return parts;
  }

  protected override async getIncompletePartSize(id: string): Promise<number | undefined> {
    const known = this.memos.held(id)?.incompletePart;
    if (known) return known.size;
    const size = await super.getIncompletePartSize(id);
    const memo = this.memos.held(id);
    if (memo) memo.incompletePart = { size };
    return size;
  }

  // The library lists the parts and then looks for a `.part`; under the lock both go at once, and
  // its own calls find them in the memo (a failed one it makes again, and meets the error itself).
  override async getUpload(id: string): Promise<Upload> {
    if (this.memos.held(id)) await Promise.allSettled([this.retrieveParts(id), this.getIncompletePartSize(id)]);
    return super.getUpload(id);
  }

  protected override async getIncompletePart(id: string): Promise<Readable | undefined> {
    const known = this.memos.held(id)?.incompletePart;
    if (known && known.size === undefined) return undefined;
    return super.getIncompletePart(id);
  }

  protected override async deleteIncompletePart(id: string): Promise<void> {
    await super.deleteIncompletePart(id);
    const memo = this.memos.held(id);
    if (memo) memo.incompletePart = { size: undefined };
  }

  protected override async uploadParts(...args: Parameters<S3Store["uploadParts"]>): Promise<number> {
    this.forgetParts(args[0].file.id);
    return super.uploadParts(...args);
  }

  override async remove(id: string): Promise<void> {
    this.forgetParts(id);
    await super.remove(id);
  }

  private forgetParts(id: string): void {
    const memo = this.memos.held(id);
    delete memo?.parts;
    delete memo?.incompletePart;
  }

  override async write(src: Readable, id: string, offset: number): Promise<number> {
    const length = chunkLengths.getStore();
    const [kept, metadata, parts] = await Promise.all([
      readRunningHash(this.pool, id),
      this.getMetadata(id),
      this.retrieveParts(id),
    ]);
    const hashing = offset === 0 ? startSha256() : kept?.offset === offset ? startSha256(kept.state) : undefined;
    if (!hashing && kept) await moveRunningHash(this.pool, id, kept.offset, undefined);

    let stored: number;
    let hashed = 0;
    if (length !== undefined && this.isWholePart(metadata, parts, offset, length)) {
      stored = await this.streamPart(metadata, parts, src, offset, length, hashing);
      hashed = stored - offset;
    } else {
      const tap = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hashing?.update(chunk);
          hashed += chunk.length;
          done(null, chunk);
        },
      });
      pipeline(src, tap, () => undefined);
      stored = await super.write(tap, id, offset);
    }
    if (!hashing || stored === offset) return stored;
    const state = stored === offset + hashed ? hashing.save() : undefined;
    await moveRunningHash(this.pool, id, kept?.offset ?? null, state && { offset: stored, state });
    return stored;
  }

  /** Whether `length` bytes at `offset` make one valid part right after the stored ones (no `.part` pending). */
  private isWholePart(metadata: MetadataValue, parts: Parts, offset: number, length: number): boolean {
    const size = metadata.file.size;
    const storedInParts = parts.reduce((sum, part) => sum + (part.Size ?? 0), 0);
    const isLast = size !== undefined && offset + length === size;
    return (
      storedInParts === offset &&
      length > 0 &&
      length <= MAX_PART_BYTES &&
      (length >= this.minPartSize || isLast) &&
      (parts.at(-1)?.PartNumber ?? 0) < this.maxMultipartParts
    );
  }

  /**
   * Streams the chunk into the next part as it arrives, hashing it on the way; completes the
   * multipart upload if it was the last. Returns the new offset: `offset` unchanged if the body
   * ended before `length` bytes (nothing recorded).
   */
  private async streamPart(
    metadata: MetadataValue,
    parts: Parts,
    src: Readable,
    offset: number,
    length: number,
    hashing: RunningSha256 | undefined,
  ): Promise<number> {
    const partNumber = (parts.at(-1)?.PartNumber ?? 0) + 1;
    this.forgetParts(metadata.file.id);
    const cutShort = new AbortController();
    let received = 0;
    const body = new PassThrough();
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        hashing?.update(chunk);
        done(null, chunk);
      },
      flush(done) {
        if (received < length) cutShort.abort();
        done();
      },
    });
    // A body that fails or ends short aborts the UploadPart, so S3 records no part of it.
    pipeline(src, counter, body, (err) => {
      if (err) cutShort.abort();
    });
    let eTag: string | undefined;
    try {
      ({ ETag: eTag } = await this.client.uploadPart(
        {
          Bucket: this.bucket,
          Key: metadata.file.id,
          UploadId: metadata["upload-id"],
          PartNumber: partNumber,
          ContentLength: length,
          Body: body,
        },
        { abortSignal: cutShort.signal },
      ));
    } catch (error) {
      if (cutShort.signal.aborted) return offset;
      throw error;
    }
    if (offset + length === metadata.file.size) {
      await this.finishMultipartUpload(metadata, [...parts, { ETag: eTag, PartNumber: partNumber }]);
      await this.completeMetadata(metadata.file);
      await this.clearCache(metadata.file.id);
    }
    return offset + length;
  }
}

/** The upload's SHA-256 from its running hash, when that covers all `size` bytes. */
export async function runningSha256(pool: pg.Pool, id: string, size: number): Promise<string | undefined> {
  const kept = await readRunningHash(pool, id);
  if (kept?.offset !== size) return undefined;
  return startSha256(kept.state)?.hex();
}
