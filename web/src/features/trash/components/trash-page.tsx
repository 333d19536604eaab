import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorMessage } from "@/components/error-message";
import { formatBytes, formatDate } from "@/lib/format";
import { listTrash, purgeFromTrash, restoreFromTrash } from "../api/trash-api";

export function TrashPage() {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState("");
  const trash = useQuery({ queryKey: ["trash"], queryFn: listTrash });
  const action = useMutation({
    mutationFn: ({ run }: { run: () => Promise<unknown>; done: string }) => run(),
    onSuccess: async (_, { done }) => {
      setStatus(done);
      await queryClient.invalidateQueries();
    },
  });

  return (
    <>
      <h1>Trash</h1>
      <p className="muted">
        Deleted files stay here for a while, then they are deleted for good, each on the date shown. They count against
        your storage until then.
      </p>
      <p className="notice" role="status" hidden={!status}>
        {status}
      </p>
      <ErrorMessage error={trash.error ?? action.error} />
      {trash.isPending && <p role="status">Loading…</p>}
      {trash.data?.length === 0 && <p>The trash is empty.</p>}
      <ul className="plain-list" aria-label="Files in the trash">
        {trash.data?.map((file) => (
          <li key={file.id}>
            <span>
              <strong>{file.name}</strong>
              <br />
              <span className="muted">
                {formatBytes(file.size)} · deleted {formatDate(file.trashedAt)} · deleted for good on{" "}
                {formatDate(file.purgeAt)}
              </span>
            </span>
            <span className="actions">
              <button
                type="button"
                className="button button--small"
                aria-label={`Restore ${file.name}`}
                onClick={() => action.mutate({ run: () => restoreFromTrash(file.id), done: `Restored ${file.name}.` })}
              >
                Restore
              </button>
              <button
                type="button"
                className="button button--danger button--small"
                aria-label={`Delete ${file.name} for good`}
                onClick={() =>
                  confirm(`Delete ${file.name} for good? This cannot be undone.`) &&
                  action.mutate({ run: () => purgeFromTrash(file.id), done: `Deleted ${file.name} for good.` })
                }
              >
                Delete for good
              </button>
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}
