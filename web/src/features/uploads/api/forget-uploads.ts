/**
 * On sign-out: the tab's uploads stop, and Golden Retriever drops what it kept of them (the files in
 * IndexedDB, their state in localStorage), so the next person at this browser finds none of it.
 */
export async function forgetUploads(): Promise<void> {
  const { uploader } = await import("../hooks/uploader");
  uploader.cancelAll();
}
