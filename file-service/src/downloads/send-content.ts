import { Transform, finished, pipeline, type Readable } from "node:stream";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Errors } from "../errors.js";
import type { VersionRecord } from "../files/file-repository.js";
import type { FileStorage } from "../storage/file-storage.js";

export type ByteRange = { start: number; end: number };

/**
 * Parses a `Range` header against a size. One range is served as 206; several ranges, or a
 * header that is not about bytes, are ignored (the whole file, 200), as RFC 9110 allows;
 * a range outside the file is 416.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, from, to] = match;
  if (from === "" && to === "") return undefined;
  let start: number;
  let end: number;
  if (from === "") {
    const suffix = Number(to);
    if (!Number.isSafeInteger(suffix) || suffix === 0) throw Errors.rangeNotSatisfiable();
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(from);
    end = to === "" ? size - 1 : Math.min(Number(to), size - 1);
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) throw Errors.rangeNotSatisfiable();
  }
  if (start >= size || start > end) throw Errors.rangeNotSatisfiable();
  return { start, end };
}

/** RFC 6266 / 5987: an ASCII fallback and the exact UTF-8 name. */
export function contentDisposition(name: string, disposition: "attachment" | "inline" = "attachment"): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** `If-None-Match` against our strong ETag (a list, `*` and weak forms included). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === etag);
}

/**
 * Meters what a response serves: called with the body's length before it is sent (it may refuse
 * by throwing), it returns what to call with the bytes that actually left once the response is
 * over, broken or not. A metered body whose client takes nothing for `stallMs` is ended, so a
 * client gone without a word (asleep, off the network) does not hold its charge until TCP gives
 * up, minutes later; as nginx's send_timeout.
 */
export type ServedMeter = { charge: (length: number) => Promise<(sent: number) => void>; stallMs: number };

/**
 * Streams a version from MinIO with the headers a download needs: a strong ETag from the
 * SHA-256 (If-None-Match → 304), one Range → 206 (416 outside the file) unless If-Range names
 * another version, the exact name in any language, and no content sniffing. `meter` sees every
 * body (e.g. to count a share's downloads by what it served).
 */
export async function sendContent(
  request: FastifyRequest,
  reply: FastifyReply,
  options: {
    storage: FileStorage;
    name: string;
    version: VersionRecord;
    head: boolean;
    meter?: ServedMeter;
    /** Answer with a redirect to the store for this long instead of streaming (never with a meter). */
    redirectSeconds?: number;
  },
): Promise<FastifyReply> {
  const { version } = options;
  const etag = `"${version.sha256}"`;
  reply
    .header("etag", etag)
    .header("accept-ranges", "bytes")
    .header("cache-control", "private, no-cache")
    .header("x-content-type-options", "nosniff")
    .header("content-disposition", contentDisposition(options.name))
    .header("content-type", version.contentType);
  if (matchesEtag(request.headers["if-none-match"], etag)) return reply.code(304).send();
  // A resume asks for the rest of the version it holds: of another one, it gets the whole file.
  const ifRange = request.headers["if-range"];
  // The store knows nothing of our ETag: a resume that names one is served here.
  if (options.redirectSeconds && !options.head && !options.meter && ifRange === undefined) {
    return redirectToStore(reply, options.storage, options.name, version, options.redirectSeconds);
  }
  const rangeHeader =
    ifRange === undefined || (typeof ifRange === "string" && ifRange.trim() === etag)
      ? request.headers.range
      : undefined;
  let range: ByteRange | undefined;
  try {
    range = parseRange(rangeHeader, version.size);
  } catch (error) {
    reply.header("content-range", `bytes */${version.size}`);
    throw error;
  }
  const length = range ? range.end - range.start + 1 : version.size;
  const settle = options.head ? undefined : await options.meter?.charge(length);
  reply.header("content-length", String(length));
  if (range) reply.code(206).header("content-range", `bytes ${range.start}-${range.end}/${version.size}`);
  if (options.head || length === 0) {
    settle?.(length);
    return reply.send();
  }
  let body: Readable;
  try {
    body = await options.storage.get(version.objectKey, range);
  } catch (error) {
    settle?.(0);
    throw Errors.storageUnavailable(error);
  }
  if (!settle || !options.meter) return reply.send(body);
  return reply.send(countServed(body, reply, settle, options.meter.stallMs));
}

async function redirectToStore(
  reply: FastifyReply,
  storage: FileStorage,
  name: string,
  version: VersionRecord,
  seconds: number,
): Promise<FastifyReply> {
  let url: string;
  try {
    url = await storage.downloadUrl(version.objectKey, seconds, {
      contentType: version.contentType,
      contentDisposition: contentDisposition(name),
    });
  } catch (error) {
    throw Errors.storageUnavailable(error);
  }
  // The URL expires: neither it nor the redirect may be kept.
  return reply.code(302).header("cache-control", "no-store").header("location", url).send();
}

/** The body, counting the bytes handed to the response; `settle` gets the count once it is over. */
function countServed(body: Readable, reply: FastifyReply, settle: (sent: number) => void, stallMs: number) {
  let sent = 0;
  const stalled = setTimeout(() => reply.raw.destroy(), stallMs);
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sent += chunk.length;
      stalled.refresh();
      done(null, chunk);
    },
  });
  // Fastify destroys the body when the client goes; the pipeline passes that on to MinIO's stream.
  pipeline(body, counter, () => undefined);
  finished(reply.raw, () => {
    clearTimeout(stalled);
    settle(sent);
  });
  return counter;
}
