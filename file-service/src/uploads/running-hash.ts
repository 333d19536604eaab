import { Transform, pipeline, type Readable } from "node:stream";
import { S3Store, type Options } from "@tus/s3-store";
import { createSHA256 } from "hash-wasm";
import type pg from "pg";
import { moveRunningHash, readRunningHash } from "./resumable-repository.js";
import type { TusLeaseMemos } from "./tus-lease-memos.js";

type Parts = Awaited<ReturnType<S3Store["retrieveParts"]>>;

/**
 * tus's S3 store, hashing each chunk as it passes: the SHA-256's state after the bytes stored so
 * far is kept with the upload in PostgreSQL, so the next chunk continues it on whichever
 * instance serves it, and the completion needs no second read of the object. node's hash cannot
 * export its state; hash-wasm's can. The state is keyed by its offset: a chunk that does not
 * start where it ends (a write cut short, a chunk stored without hashing) drops it, and the
 * completion then reads the object back to hash it.
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
    const size = await super.getIncompletePartSize(id);
    const memo = this.memos.held(id);
    if (memo) memo.incompletePart = { size };
    return size;
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
    const memo = this.memos.held(args[0].file.id);
    delete memo?.parts;
    delete memo?.incompletePart;
    return super.uploadParts(...args);
  }

  override async remove(id: string): Promise<void> {
    const memo = this.memos.held(id);
    delete memo?.parts;
    delete memo?.incompletePart;
    await super.remove(id);
  }

  override async write(src: Readable, id: string, offset: number): Promise<number> {
    const kept = await readRunningHash(this.pool, id);
    if (offset !== 0 && kept?.offset !== offset) {
      if (kept) await moveRunningHash(this.pool, id, kept.offset, undefined);
      return super.write(src, id, offset);
    }
    const hasher = await createSHA256();
    if (kept && offset !== 0) hasher.load(kept.state);
    else hasher.init();
    let hashed = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hasher.update(chunk);
        hashed += chunk.length;
        done(null, chunk);
      },
    });
    pipeline(src, tap, () => undefined);
    const stored = await super.write(tap, id, offset);
    await moveRunningHash(
      this.pool,
      id,
      kept?.offset ?? null,
      stored === offset + hashed ? { offset: stored, state: hasher.save() } : undefined,
    );
    return stored;
  }
}

/** The upload's SHA-256 from its running hash, when that covers all `size` bytes. */
export async function runningSha256(pool: pg.Pool, id: string, size: number): Promise<string | undefined> {
  const kept = await readRunningHash(pool, id);
  if (kept?.offset !== size) return undefined;
  const hasher = await createSHA256();
  hasher.load(kept.state);
  return hasher.digest("hex");
}
