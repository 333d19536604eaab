import { Errors } from "./errors.js";

const MAX_NAME_BYTES = 255;
// Control characters (C0, DEL, C1), path separators.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f/\\]/;

/**
 * A file or folder name as users type it: 1–255 bytes of UTF-8 (NFC), no path separators, NUL
 * or control characters, not "." or "..". Names never become storage keys.
 */
export function validateName(raw: string): string {
  const name = raw.normalize("NFC");
  if (name.length === 0) throw Errors.invalidName("it is empty");
  if (Buffer.byteLength(name, "utf8") > MAX_NAME_BYTES)
    throw Errors.invalidName(`it is longer than ${MAX_NAME_BYTES} bytes`);
  if (FORBIDDEN.test(name)) throw Errors.invalidName("it contains / or \\ or a control character");
  // U+FFFD is what invalid UTF-8 (a filename part, tus metadata) decodes to; a lone surrogate cannot be stored.
  if (/[\p{Cs}\uFFFD]/u.test(name)) throw Errors.invalidName("it is not valid UTF-8");
  if (name === "." || name === "..") throw Errors.invalidName('"." and ".." are reserved');
  if (name.trim() !== name || name.trim().length === 0) throw Errors.invalidName("it starts or ends with spaces");
  return name;
}

/** "report.pdf" → "report (1).pdf", for a restore that meets a name already taken. */
export function withSuffix(name: string, n: number): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}
