import { authorizedFetch } from "./authorized-fetch";
import { errorOf } from "./errors";

/**
 * Saves an API download (e.g. /files/{id}/content) through the browser's own download, named as
 * the server says. The request needs the Authorization header, which a plain link cannot carry and
 * a token must never go in a URL: so the content is fetched, kept as a Blob (Chromium keeps large
 * ones on disk, not in memory) and handed to the browser as an object URL.
 */
export async function downloadFile(path: string, fallbackName: string): Promise<void> {
  const response = await authorizedFetch(new Request(new URL(path, location.origin)));
  if (!response.ok) throw await errorOf(response);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filenameOf(response.headers.get("content-disposition")) ?? fallbackName;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the blob once the click is handled; free it after.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function filenameOf(disposition: string | null): string | undefined {
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition ?? "")?.[1];
  if (encoded) return decodeURIComponent(encoded);
  return /filename="([^"]+)"/i.exec(disposition ?? "")?.[1];
}
