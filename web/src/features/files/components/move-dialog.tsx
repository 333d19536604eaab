import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { ErrorMessage } from "@/components/error-message";
import { folderChoices } from "../api/files-api";

/**
 * "Move to…": the folders as a list of choices, for a keyboard as for a mouse (drag and drop is
 * the other way). A folder is not offered inside itself; the one it is in is the first choice.
 */
export function MoveDialog(props: {
  item: { kind: "file" | "folder"; id: string; name: string; parentId: string };
  onMove: (folder: { id: string; name: string }) => Promise<unknown>;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState(false);
  const choices = useQuery({
    queryKey: ["folder-choices", props.item.id],
    queryFn: () => folderChoices(props.item.kind === "folder" ? props.item.id : undefined),
  });
  useEffect(() => dialog.current?.showModal(), []);
  const nameOf = (path: string[]) => ["Files", ...path].join(" / ");

  return (
    <dialog ref={dialog} aria-labelledby="move-dialog-title" onClose={props.onClose}>
      <h2 id="move-dialog-title">Move {props.item.name}</h2>
      <ErrorMessage error={error ?? choices.error} />
      {choices.isPending && <p role="status">Loading…</p>}
      {choices.data && (
        <form
          onSubmit={async (event) => {
            event.preventDefault();
            const id = String(new FormData(event.currentTarget).get("folder"));
            const path = choices.data.find((choice) => choice.id === id)?.path ?? [];
            setPending(true);
            try {
              await props.onMove({ id, name: path.at(-1) ?? "Files" });
              dialog.current?.close();
            } catch (failure) {
              setError(failure);
            } finally {
              setPending(false);
            }
          }}
        >
          <fieldset className="folder-choices">
            <legend>Move to</legend>
            {choices.data.map((choice) => (
              <label key={choice.id} className="folder-choice">
                <input
                  type="radio"
                  name="folder"
                  value={choice.id}
                  required
                  defaultChecked={choice.id === props.item.parentId}
                />
                {nameOf(choice.path)}
                {choice.id === props.item.parentId && " (where it is)"}
              </label>
            ))}
          </fieldset>
          <div className="toolbar">
            <button type="submit" className="button" disabled={pending}>
              Move here
            </button>
            <button type="button" className="button button--secondary" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
