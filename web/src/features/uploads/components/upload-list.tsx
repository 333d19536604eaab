import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { onRecorded, uploader, type Upload } from "../hooks/uploader";
import { useUploads } from "../hooks/use-uploads";

function stateOf(upload: Upload): { text: string; value?: number; done: boolean } {
  const { progress } = upload;
  if (upload.error) return { text: `Failed: ${upload.error}`, done: true };
  if (upload.meta.recorded) return { text: "Uploaded", value: 1, done: true };
  if (progress.postprocess) return { text: progress.postprocess.message ?? "Recording…", value: 1, done: false };
  if (progress.preprocess)
    return {
      text: progress.preprocess.message ?? "Preparing…",
      ...(progress.preprocess.mode === "determinate" && { value: progress.preprocess.value }),
      done: false,
    };
  if (upload.isGhost) return { text: "Paused: add the same file again to resume", done: false };
  if (progress.uploadStarted)
    return { text: `Uploading ${progress.percentage ?? 0} %`, value: (progress.percentage ?? 0) / 100, done: false };
  return { text: "Waiting", done: false };
}

/** The tab's uploads with their progress until file-service has recorded each, and a way to cancel. */
export function UploadList() {
  const uploads = useUploads();
  const queryClient = useQueryClient();
  useEffect(() => onRecorded(() => void queryClient.invalidateQueries()), [queryClient]);
  if (uploads.length === 0) return null;
  const finished = uploads.filter((u) => stateOf(u).done);

  return (
    <section className="uploads" aria-labelledby="uploads-title">
      <h2 id="uploads-title">Uploads</h2>
      <ul className="plain-list">
        {uploads.map((upload) => {
          const state = stateOf(upload);
          return (
            <li key={upload.id}>
              <span className="upload-name">
                <strong>{upload.meta.relativePath ?? upload.name}</strong>
                <progress
                  aria-label={`Progress of ${upload.name}`}
                  max={1}
                  {...(state.value !== undefined && { value: state.value })}
                />
                <span className="muted" role="status">
                  {state.text}
                </span>
              </span>
              {!state.done && (
                <button
                  type="button"
                  className="button button--secondary button--small"
                  aria-label={`Cancel the upload of ${upload.name}`}
                  onClick={() => uploader.removeFile(upload.id)}
                >
                  Cancel
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {finished.length > 0 && (
        <button
          type="button"
          className="link-button"
          onClick={() => finished.forEach((upload) => uploader.removeFile(upload.id))}
        >
          Clear finished uploads
        </button>
      )}
    </section>
  );
}
