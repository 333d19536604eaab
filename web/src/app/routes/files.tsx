import { useParams } from "react-router";
import { FilesPage } from "@/features/files/components/files-page";
import { ShareDialogProvider, ShareFileButton } from "@/features/shares/components/share-file-button";
import { UploadDropZone } from "@/features/uploads/components/drop-zone";
import { UploadButtons } from "@/features/uploads/components/upload-buttons";
import { UploadList } from "@/features/uploads/components/upload-list";

/** A folder (the root without an id): its contents, and uploads into it by picker or drop. */
export function FilesRoute() {
  const { id } = useParams();
  return (
    <UploadDropZone folderId={id}>
      <ShareDialogProvider>
        <FilesPage
          key={id ?? "root"}
          folderId={id ?? "root"}
          toolbar={(folder) => <UploadButtons folderId={folder.parentId === null ? undefined : folder.id} />}
          rowActions={(file) => <ShareFileButton fileId={file.id} fileName={file.name} />}
        />
      </ShareDialogProvider>
      <UploadList />
    </UploadDropZone>
  );
}
