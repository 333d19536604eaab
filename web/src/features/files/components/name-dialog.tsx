import { useEffect, useRef, useState } from "react";
import { ErrorMessage } from "@/components/error-message";

/** A modal asking for a name (new folder, rename); closes when `onSubmit` succeeds. */
export function NameDialog(props: {
  title: string;
  label: string;
  initial?: string;
  submit: string;
  onSubmit: (name: string) => Promise<unknown>;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState(false);
  useEffect(() => dialog.current?.showModal(), []);

  return (
    <dialog ref={dialog} aria-labelledby="name-dialog-title" onClose={props.onClose}>
      <h2 id="name-dialog-title">{props.title}</h2>
      <ErrorMessage error={error} />
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          const name = String(new FormData(event.currentTarget).get("name")).trim();
          setPending(true);
          try {
            await props.onSubmit(name);
            dialog.current?.close();
          } catch (failure) {
            setError(failure);
          } finally {
            setPending(false);
          }
        }}
      >
        <div className="field">
          <label htmlFor="name-dialog-name">{props.label}</label>
          <input id="name-dialog-name" name="name" type="text" required maxLength={255} defaultValue={props.initial} />
        </div>
        <div className="toolbar">
          <button type="submit" className="button" disabled={pending}>
            {props.submit}
          </button>
          <button type="button" className="button button--secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
