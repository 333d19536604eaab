import { createHash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { Errors } from "../errors.js";

const RESERVATION_STEP = 8 * 2 ** 20;

/**
 * Counts and hashes an upload as it streams, and enforces the size limit and the quota while
 * it does: bytes are reserved against the quota in 8 MiB steps before they pass, so an upload
 * past either limit is stopped mid-stream, with everything reserved so far on record. An upload
 * of an announced size fails as soon as it goes past it, or at its end when it falls short.
 */
export class UploadMeter extends Transform {
  readonly hash = createHash("sha256");
  bytes = 0;
  reserved = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly reserve: (bytes: number) => Promise<boolean>,
    /** Bytes already reserved before the stream started. */
    initiallyReserved = 0,
    private readonly exactBytes?: number,
  ) {
    super();
    this.reserved = initiallyReserved;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return done(Errors.fileTooLarge(this.maxBytes));
    if (this.exactBytes !== undefined && this.bytes > this.exactBytes) return done(this.sizeMismatch());
    if (this.bytes <= this.reserved) {
      this.hash.update(chunk);
      return done(null, chunk);
    }
    const needed = this.bytes - this.reserved;
    const step = Math.max(RESERVATION_STEP, needed);
    // A whole step when the quota has room for it, else just what this chunk needs.
    this.reserve(step)
      .then(async (granted) => (granted ? step : (await this.reserve(needed)) ? needed : 0))
      .then(
        (granted) => {
          if (!granted) return done(Errors.quotaExceeded());
          this.reserved += granted;
          this.hash.update(chunk);
          done(null, chunk);
        },
        (error: unknown) => done(error as Error),
      );
  }

  override _flush(done: TransformCallback): void {
    done(this.exactBytes !== undefined && this.bytes !== this.exactBytes ? this.sizeMismatch() : null);
  }

  private sizeMismatch() {
    return Errors.sizeMismatch(this.exactBytes!, this.bytes);
  }

  get sha256(): string {
    return this.hash.copy().digest("hex");
  }
}
