import { createContext, useContext, useEffect, useId, useRef, useState, type ReactNode } from "react";
import { ErrorMessage } from "@/components/error-message";
import { useCreateShare, type CreatedShare, type ShareChoices } from "../api/shares-api";

const DAY_MS = 24 * 60 * 60 * 1000;
const EXPIRY_DAYS = [1, 7, 14, 30];
const DEFAULT_DAYS = 7;

type ShareTarget = { fileId: string; fileName: string };

const OpenShareDialog = createContext<((target: ShareTarget) => void) | undefined>(undefined);

/**
 * Holds the share dialog for the Share buttons inside it. The dialog lives here, not in the file's
 * row: a virtualized list drops rows scrolled away, and the new link is shown only once.
 */
export function ShareDialogProvider({ children }: { children: ReactNode }) {
  const [target, setTarget] = useState<ShareTarget>();
  return (
    <OpenShareDialog.Provider value={setTarget}>
      {children}
      {target && <ShareDialog key={target.fileId} {...target} onClose={() => setTarget(undefined)} />}
    </OpenShareDialog.Provider>
  );
}

/** A file's "Share" button: opens the dialog (expiry, password, download limit, recipients; then the link). */
export function ShareFileButton({ fileId, fileName }: ShareTarget) {
  const open = useContext(OpenShareDialog);
  if (!open) throw new Error("ShareFileButton must be inside a ShareDialogProvider");
  return (
    <button
      type="button"
      className="link-button"
      aria-label={`Share ${fileName}`}
      onClick={() => open({ fileId, fileName })}
    >
      Share
    </button>
  );
}

function ShareDialog({ fileId, fileName, onClose }: ShareTarget & { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const create = useCreateShare(fileId);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  return (
    <dialog ref={dialog} aria-labelledby={titleId} onClose={onClose}>
      <h2 id={titleId}>Share “{fileName}”</h2>
      {create.data ? (
        <ShareLink share={create.data} recipients={create.variables.recipients?.length ?? 0} onDone={onClose} />
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate(choicesOf(new FormData(event.currentTarget)));
          }}
        >
          <ErrorMessage error={create.error} />
          <div className="field">
            <label htmlFor="share-expiry">Link works for</label>
            <select id="share-expiry" name="days" defaultValue={DEFAULT_DAYS}>
              {EXPIRY_DAYS.map((days) => (
                <option key={days} value={days}>
                  {days === 1 ? "1 day" : `${days} days`}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="share-password">Password (optional)</label>
            <p className="hint" id="share-password-hint">
              At least 8 characters. Give it to the recipients yourself: it is not mailed.
            </p>
            <input
              id="share-password"
              name="password"
              type="password"
              autoComplete="new-password"
              minLength={8}
              maxLength={128}
              aria-describedby="share-password-hint"
            />
          </div>
          <div className="field">
            <label htmlFor="share-limit">Download limit (optional)</label>
            <input id="share-limit" name="maxDownloads" type="number" min={1} max={1_000_000} inputMode="numeric" />
          </div>
          <div className="field">
            <label htmlFor="share-recipients">Recipients (optional)</label>
            <p className="hint" id="share-recipients-hint">
              E-mail addresses, separated by commas: each receives the link by mail.
            </p>
            <input
              id="share-recipients"
              name="recipients"
              type="email"
              multiple
              autoComplete="off"
              aria-describedby="share-recipients-hint"
            />
          </div>
          <div className="card-actions">
            <button type="submit" className="button" disabled={create.isPending}>
              {create.isPending ? "Creating…" : "Create link"}
            </button>
            <button type="button" className="button button--secondary" onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}

function choicesOf(form: FormData): ShareChoices {
  const days = Number(form.get("days"));
  const password = String(form.get("password") ?? "");
  const maxDownloads = String(form.get("maxDownloads") ?? "");
  const recipients = String(form.get("recipients") ?? "")
    .split(",")
    .map((address) => address.trim())
    .filter(Boolean);
  return {
    // A minute short of the full days: the server measures the longest expiry from its own clock.
    expiresAt: new Date(Date.now() + days * DAY_MS - 60_000).toISOString(),
    ...(password && { password }),
    ...(maxDownloads && { maxDownloads: Number(maxDownloads) }),
    ...(recipients.length > 0 && { recipients }),
  };
}

function ShareLink({ share, recipients, onDone }: { share: CreatedShare; recipients: number; onDone: () => void }) {
  const [copied, setCopied] = useState<boolean>();
  const field = useRef<HTMLInputElement>(null);
  return (
    <>
      <p role="status">
        The link is ready
        {recipients > 0 && `, and mailed to ${recipients === 1 ? "1 recipient" : `${recipients} recipients`}`}. It works
        until {new Date(share.expiresAt).toLocaleString()}.
      </p>
      <div className="field">
        <label htmlFor="share-url">Share link</label>
        <p className="hint" id="share-url-hint">
          Copy it now: Coffer keeps only a fingerprint of it and cannot show it again.
        </p>
        <input
          ref={field}
          id="share-url"
          type="text"
          readOnly
          value={share.url}
          aria-describedby="share-url-hint"
          onFocus={(event) => event.currentTarget.select()}
        />
      </div>
      <div className="card-actions">
        <button
          type="button"
          className="button"
          onClick={() =>
            navigator.clipboard.writeText(share.url).then(
              () => setCopied(true),
              () => {
                // No clipboard (permission refused): the link is selected, for the keyboard's copy.
                field.current?.select();
                setCopied(false);
              },
            )
          }
        >
          Copy link
        </button>
        <button type="button" className="button button--secondary" onClick={onDone}>
          Done
        </button>
      </div>
      <p className="muted" role="status">
        {copied === true && "Copied to the clipboard."}
        {copied === false && "Copying was refused: press Ctrl+C (⌘C) to copy the selected link."}
      </p>
    </>
  );
}
