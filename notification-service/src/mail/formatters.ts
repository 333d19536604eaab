/** A size as the templates print it: `1536` → `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** A moment as the templates print it: the locale's medium date and short time, in UTC. */
export const formatDate = (date: Date, locale: string) =>
  `${date.toLocaleString(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })} UTC`;

/**
 * Text a customer chose (a name, a file name), made fit to quote in a mail to someone else:
 * without the invisible and direction-changing characters that could disguise it, and short.
 */
export function quotable(text: string, max: number): string {
  const plain = text
    .replace(/[\p{Cc}\p{Cf}]/gu, "")
    .replace(/\s+/g, " ")
    .trim();
  const chars = [...plain];
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : plain;
}
