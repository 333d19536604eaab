import { useState, type DragEvent, type ReactNode } from "react";
import { uploadFiles } from "../hooks/uploader";

type Picked = { file: File; relativePath?: string };

/** Files and whole folders dropped anywhere on `children` are uploaded into `folderId`. */
export function UploadDropZone({ folderId, children }: { folderId: string | undefined; children: ReactNode }) {
  const [over, setOver] = useState(false);
  const carriesFiles = (event: DragEvent) => event.dataTransfer.types.includes("Files");

  return (
    <div
      className={over ? "drop-zone drop-zone--over" : "drop-zone"}
      onDragOver={(event) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={async (event) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        setOver(false);
        const entries = [...event.dataTransfer.items].map((item) => item.webkitGetAsEntry());
        const fallback = [...event.dataTransfer.files];
        const picked = entries.every((entry) => entry !== null)
          ? (await Promise.all(entries.map((entry) => filesOf(entry!, "")))).flat()
          : fallback.map((file) => ({ file }));
        await uploadFiles(picked, folderId);
      }}
    >
      {over && (
        <p className="drop-hint" aria-hidden="true">
          Drop to upload here
        </p>
      )}
      {children}
    </div>
  );
}

/** The files of a dropped entry, walking into folders, each with its path under the drop. */
async function filesOf(entry: FileSystemEntry, parent: string): Promise<Picked[]> {
  const path = parent ? `${parent}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    return [{ file, ...(parent && { relativePath: path }) }];
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  // readEntries answers in batches (100 in Chromium) until an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    children.push(...batch);
  }
  return (await Promise.all(children.map((child) => filesOf(child, path)))).flat();
}
