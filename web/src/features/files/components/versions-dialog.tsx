import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { ErrorMessage } from "@/components/error-message";
import { formatBytes, formatDate } from "@/lib/format";
import { downloadFile, listVersions, restoreVersion, type FileEntry } from "../api/files-api";

/** A file's versions, newest first: each can be downloaded, an older one made current again. */
export function VersionsDialog({ file, onClose }: { file: FileEntry; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const queryClient = useQueryClient();
  const versions = useQuery({ queryKey: ["versions", file.id], queryFn: () => listVersions(file.id) });
  const download = useMutation({
    mutationFn: (n: number) => downloadFile(file.id, n),
  });
  const restore = useMutation({
    mutationFn: (n: number) => restoreVersion(file.id, n),
    onSuccess: () => queryClient.invalidateQueries(),
  });
  useEffect(() => dialog.current?.showModal(), []);
  // The newest version is the current one (a restore makes a new, newest, version).
  const current = versions.data?.[0]?.version;

  return (
    <dialog ref={dialog} aria-labelledby="versions-title" onClose={onClose}>
      <h2 id="versions-title">Versions of {file.name}</h2>
      <ErrorMessage error={versions.error ?? download.error ?? restore.error} />
      {restore.isSuccess && (
        <p className="notice" role="status">
          Version {restore.variables} is current again.
        </p>
      )}
      {versions.isPending && <p role="status">Loading…</p>}
      <ul className="versions">
        {versions.data?.map((v) => (
          <li key={v.version}>
            <span>
              <strong>Version {v.version}</strong>
              {v.version === current && " (current)"}
              <br />
              <span className="muted">
                {formatBytes(v.size)} · {formatDate(v.createdAt)}
              </span>
            </span>
            <span className="actions">
              <button
                type="button"
                className="button button--secondary button--small"
                aria-label={`Download version ${v.version}`}
                onClick={() => download.mutate(v.version)}
              >
                Download
              </button>
              {v.version !== current && (
                <button
                  type="button"
                  className="button button--small"
                  aria-label={`Restore version ${v.version}`}
                  disabled={restore.isPending}
                  onClick={() => restore.mutate(v.version)}
                >
                  Restore
                </button>
              )}
            </span>
          </li>
        ))}
      </ul>
      <button type="button" className="button button--secondary" onClick={() => dialog.current?.close()}>
        Close
      </button>
    </dialog>
  );
}
