/**
 * The request target as Kong routes on it: the path normalized the way Kong 3 normalizes it
 * before matching (`kong.tools.uri.normalize(path, true)`, RFC 3986 §6.2.2), the query as the
 * client sent it. A route's plugins then apply to every spelling of its path: `/s/t/%75nlock`,
 * `//s/t/unlock` and `/x/../s/t/unlock` are all `/s/t/unlock`.
 */
export type RequestTarget = {
  /** Normalized, with its characters decoded as bytes (latin1): what routes match. */
  path: string;
  /** What followed the first `?`, untouched; undefined when there was no `?`. */
  query: string | undefined;
};

// Kong keeps these percent-encoded (only upper-casing the hex), so `%2F` is never a separator;
// every other triplet is decoded.
const RESERVED = new Set("!*'();:@&=+$,/?%#[]");
const TRIPLET = /%([0-9A-Fa-f]{2})/g;
// Kong's `escape`: what may travel in a path as it is; anything else is percent-encoded again.
const UNSAFE_IN_PATH = /[^!#$&'()*+,/:;=?@[\]A-Za-z0-9\-_.~%]/g;
// `http://host:port/path`: the absolute form a client may send to a proxy.
const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;

/**
 * Undefined for what nginx refuses with 400 before Kong sees it (a malformed or `%00` triplet,
 * dot segments climbing above the root) and for a `#`, which nginx ends the path at while Kong
 * routes on the raw path and the services, again, end it there: three readings of one request.
 */
export function parseRequestTarget(url: string): RequestTarget | undefined {
  let target = url;
  if (!target.startsWith("/")) {
    const authority = ABSOLUTE_FORM.exec(target);
    if (!authority) return undefined;
    target = target.slice(authority[0].length);
    if (!target.startsWith("/")) target = `/${target}`;
  }
  const mark = target.indexOf("?");
  const rawPath = mark === -1 ? target : target.slice(0, mark);
  if (rawPath.includes("#")) return undefined;
  const decoded = decodeUnreserved(rawPath);
  const path = decoded === undefined ? undefined : removeDotSegments(decoded);
  if (path === undefined) return undefined;
  return { path, query: mark === -1 ? undefined : target.slice(mark + 1) };
}

/** The normalized path as it goes upstream (and into headers and logs): only safe characters. */
export const escapePath = (path: string): string =>
  path.replace(UNSAFE_IN_PATH, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);

function decodeUnreserved(path: string): string | undefined {
  if (path.replace(TRIPLET, "").includes("%") || /%00/.test(path)) return undefined;
  return path.replace(TRIPLET, (triplet, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return RESERVED.has(char) ? triplet.toUpperCase() : char;
  });
}

/** RFC 3986 §5.2.4 on an absolute path, merging empty segments as Kong does. */
function removeDotSegments(path: string): string | undefined {
  const output: string[] = [];
  let input = path;
  while (input.length > 0) {
    if (input === "/.") input = "/";
    else if (input.startsWith("/./")) input = input.slice(2);
    else if (input === "/.." || input.startsWith("/../")) {
      if (output.pop() === undefined) return undefined;
      input = input === "/.." ? "/" : input.slice(3);
    } else if (input.startsWith("//")) input = input.slice(1);
    else {
      const next = input.indexOf("/", 1);
      const end = next === -1 ? input.length : next;
      output.push(input.slice(0, end));
      input = input.slice(end);
    }
  }
  return output.join("");
}
