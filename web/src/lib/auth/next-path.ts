/**
 * Where to go after signing in: `?next=` when it is a path of this app (mail links may give it
 * with the /app prefix), else the files. Never another origin.
 */
export function nextPath(search: string): string {
  const next = new URLSearchParams(search).get("next");
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.includes("\\")) return "/";
  if (next === "/app" || next.startsWith("/app/")) return next.slice("/app".length) || "/";
  return next;
}
