import { useRef } from "react";
import { uploadFiles } from "../hooks/uploader";

/** "Upload files" and "Upload a folder": the system's pickers, into `folderId`. */
export function UploadButtons({ folderId }: { folderId: string | undefined }) {
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  const upload = async (input: HTMLInputElement) => {
    const picked = [...(input.files ?? [])].map((file) => ({
      file,
      ...(file.webkitRelativePath && { relativePath: file.webkitRelativePath }),
    }));
    input.value = "";
    await uploadFiles(picked, folderId);
  };

  return (
    <>
      <button type="button" className="button" onClick={() => files.current?.click()}>
        Upload files
      </button>
      <button type="button" className="button button--secondary" onClick={() => folder.current?.click()}>
        Upload a folder
      </button>
      <input ref={files} type="file" multiple hidden onChange={(event) => upload(event.currentTarget)} />
      <input
        ref={folder}
        type="file"
        hidden
        {...{ webkitdirectory: "" }}
        onChange={(event) => upload(event.currentTarget)}
      />
    </>
  );
}
