import Uppy, { type UppyFile } from "@uppy/core";
import GoldenRetriever from "@uppy/golden-retriever";
import Tus from "@uppy/tus";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { authorizedFetch } from "@/lib/api/authorized-fetch";
import { ApiError, describeError, errorOf } from "@/lib/api/errors";
import { freshAccessToken, renewAccessToken } from "@/lib/auth/session";
import { ensureFolder } from "../api/folders-api";

export type UploadMeta = {
  /** The folder the upload goes to; unset: the root. */
  folderId?: string;
  /** Where a file of a dropped or picked folder sits under the target folder: "photos/2024/a.jpg". */
  relativePath?: string;
  /** Hex SHA-256 of the content: file-service refuses a completion whose bytes do not match. */
  sha256?: string;
  recorded?: boolean;
};
export type Upload = UppyFile<UploadMeta, Record<string, never>>;

const HASH_SLICE = 8 * 2 ** 20;
const CHUNK_SIZE = 16 * 2 ** 20;
const recordedListeners = new Set<() => void>();

/**
 * The one uploader of the tab: tus (resumable) to file-service, with Golden Retriever keeping the
 * uploads (their state in localStorage, files up to 1 GiB in IndexedDB: on disk, not in memory) so a
 * reload, a closed tab or a lost network resumes where the server stopped. No token is stored: each
 * tus request gets the Authorization header as it leaves.
 */
export const uploader = new Uppy<UploadMeta, Record<string, never>>({ id: "coffer-uploads", autoProceed: false })
  .use(Tus, {
    endpoint: new URL("/files/uploads", location.origin).toString(),
    chunkSize: CHUNK_SIZE,
    retryDelays: [0, 1000, 3000, 5000, 10_000],
    // Every meta field the file has (a listed one would be sent as "undefined" when unset).
    allowedMetaFields: true,
    removeFingerprintOnSuccess: true,
    async onBeforeRequest(request) {
      const token = await freshAccessToken();
      if (token) request.setHeader("authorization", `Bearer ${token}`);
    },
    onShouldRetry(error, attempt, _options, next) {
      if (error.originalResponse?.getStatus() === 401 && attempt < 2) {
        void renewAccessToken();
        return true;
      }
      return next(error);
    },
  })
  // The option's type lists fewer keys than its IndexedDBStore reads (10 MiB a file by default).
  .use(GoldenRetriever, { indexedDB: { maxFileSize: 2 ** 30, maxTotalSize: 4 * 2 ** 30 } as never });

// A reload restores the uploads: carry on with them, as the person asked before the reload.
uploader.on("restored", () => uploader.emit("restore-confirmed"));

uploader.addPreProcessor(async (ids) => {
  const folders = new Map<string, Promise<string>>();
  for (const id of ids) {
    const file = uploader.getFile(id);
    if (!file || file.meta.sha256 || file.isRemote || !file.data) continue;
    uploader.emit("preprocess-progress", file, { mode: "indeterminate", message: "Preparing…" });
    const parts = (file.meta.relativePath ?? "").split("/").slice(0, -1).filter(Boolean);
    let folderId = file.meta.folderId;
    for (const [index, name] of parts.entries()) {
      const key = `${file.meta.folderId ?? "root"}/${parts.slice(0, index + 1).join("/")}`;
      if (!folders.has(key)) folders.set(key, ensureFolder(name, folderId));
      folderId = await folders.get(key)!;
    }
    const digest = await sha256Of(file.data, (value) =>
      uploader.emit("preprocess-progress", file, { mode: "determinate", message: "Checking the file…", value }),
    );
    uploader.setFileMeta(id, { sha256: digest, ...(folderId && { folderId }) });
  }
});

/** file-service records a finished upload in the background: the upload is done when its status says so. */
uploader.addPostProcessor(async (ids) => {
  await Promise.all(
    ids.map(async (id) => {
      const file = uploader.getFile(id);
      const uploadUrl = file?.response?.uploadURL ?? file?.uploadURL;
      if (!file || !uploadUrl) return;
      uploader.emit("postprocess-progress", file, { mode: "indeterminate", message: "Recording…" });
      const problem = await untilRecorded(`${uploadUrl}/status`);
      if (problem) uploader.setFileState(id, { error: problem });
      else uploader.setFileMeta(id, { recorded: true });
    }),
  );
  for (const listener of recordedListeners) listener();
});

/** Calls `listener` whenever uploads were recorded as files (to refresh what lists them). */
export function onRecorded(listener: () => void): () => void {
  recordedListeners.add(listener);
  return () => recordedListeners.delete(listener);
}

/** Adds files (of a drop or a picker) to upload into `folderId`, and starts. */
export async function uploadFiles(files: { file: File; relativePath?: string }[], folderId: string | undefined) {
  for (const { file, relativePath } of files) {
    try {
      uploader.addFile({
        name: file.name,
        type: file.type || "application/octet-stream",
        data: file,
        meta: { ...(folderId && { folderId }), ...(relativePath && { relativePath }) },
      });
    } catch (error) {
      // Uppy refuses a file already in the list: it is on its way.
      uploader.log(error as Error, "warning");
    }
  }
  await uploader.upload();
}

/** The SHA-256 of the content, read a slice at a time: a file of any size is never held whole. */
async function sha256Of(blob: Blob, progress: (fraction: number) => void): Promise<string> {
  // Plain JavaScript, not WebAssembly: the app's CSP allows no eval of any kind.
  const hash = sha256.create();
  for (let offset = 0; offset < blob.size; offset += HASH_SLICE) {
    hash.update(new Uint8Array(await blob.slice(offset, offset + HASH_SLICE).arrayBuffer()));
    progress(Math.min(1, (offset + HASH_SLICE) / blob.size));
  }
  return bytesToHex(hash.digest());
}

async function untilRecorded(statusUrl: string): Promise<string | undefined> {
  for (let wait = 250; ; wait = Math.min(wait * 2, 2000)) {
    const response = await authorizedFetch(new Request(statusUrl));
    if (!response.ok) return describeError(await errorOf(response));
    const status = (await response.json()) as { state: string; errorCode?: string };
    if (status.state === "done") return undefined;
    if (status.state === "failed")
      return describeError(new ApiError(200, status.errorCode ?? "UPLOAD_FAILED", "The upload was not recorded"));
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
