import type { FastifyReply, FastifyRequest } from "fastify";
import { Errors } from "../errors.js";
import type { VersionRecord } from "./file-repository.js";
import type { FileStorage } from "./file-storage.js";

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
 * Streams a version from MinIO with the headers a download needs: a strong ETag from the
 * SHA-256 (If-None-Match → 304), one Range → 206 (416 outside the file), the exact name in
 * any language, and no content sniffing. `beforeBody` runs once the request is known to get
 * content (e.g. to count a share download).
 */
export async function sendContent(
  request: FastifyRequest,
  reply: FastifyReply,
  options: {
    storage: FileStorage;
    name: string;
    version: VersionRecord;
    head: boolean;
    beforeBody?: (range: ByteRange | undefined) => Promise<void>;
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
  let range: ByteRange | undefined;
  try {
    range = parseRange(request.headers.range, version.size);
  } catch (error) {
    reply.header("content-range", `bytes */${version.size}`);
    throw error;
  }
  if (!options.head) await options.beforeBody?.(range);
  const length = range ? range.end - range.start + 1 : version.size;
  reply.header("content-length", String(length));
  if (range) reply.code(206).header("content-range", `bytes ${range.start}-${range.end}/${version.size}`);
  if (options.head || length === 0) return reply.send();
  try {
    return reply.send(await options.storage.get(version.objectKey, range));
  } catch (error) {
    throw Errors.storageUnavailable(error);
  }
}
