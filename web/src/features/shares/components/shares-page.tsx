import { useState } from "react";
import { ErrorMessage } from "@/components/error-message";
import { ApiError } from "@/lib/api/errors";
import { useFileName, useRevokeShare, useShares, type Share } from "../api/shares-api";

/** The person's live share links: what each shares, how it is protected, downloads left, expiry; revoke. */
export function SharesPage() {
  const shares = useShares();
  return (
    <>
      <h1>Shares</h1>
      <p className="muted">Links you made that still work. To share a file, use its Share button in your files.</p>
      <ErrorMessage error={shares.error} />
      {shares.isPending && (
        <p className="loading" role="status">
          Loading…
        </p>
      )}
      {shares.data?.shares.length === 0 && <p>No live share links.</p>}
      {shares.data && shares.data.shares.length > 0 && (
        <ul className="cards" aria-label="Share links">
          {shares.data.shares.map((share) => (
            <ShareCard key={share.id} share={share} />
          ))}
        </ul>
      )}
    </>
  );
}

function ShareCard({ share }: { share: Share }) {
  const fileName = useFileName(share.fileId);
  const revoke = useRevokeShare();
  const [confirming, setConfirming] = useState(false);
  const titleId = `share-${share.id}`;
  const name =
    fileName.data ??
    (fileName.error instanceof ApiError && fileName.error.code === "FILE_NOT_FOUND" ? "A file in the trash" : "…");

  return (
    <li className="card" aria-labelledby={titleId}>
      <h2 className="card-title" id={titleId}>
        {name}
      </h2>
      <dl className="facts">
        <div>
          <dt>Expires</dt>
          <dd>
            <time dateTime={share.expiresAt}>{new Date(share.expiresAt).toLocaleString()}</time>
          </dd>
        </div>
        <div>
          <dt>Downloads</dt>
          <dd>{downloadsWords(share)}</dd>
        </div>
        <div>
          <dt>Password</dt>
          <dd>{share.passwordProtected ? "Yes" : "No"}</dd>
        </div>
        <div>
          <dt>Mailed to</dt>
          <dd>{share.recipients.length > 0 ? share.recipients.join(", ") : "Nobody"}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            <time dateTime={share.createdAt}>{new Date(share.createdAt).toLocaleString()}</time>
          </dd>
        </div>
      </dl>
      <ErrorMessage error={revoke.error} />
      {confirming ? (
        <div className="card-actions" role="group" aria-label="Confirm revoking">
          <p className="grow">The link stops working at once, for everyone who has it.</p>
          <button
            type="button"
            className="button button--danger button--small"
            disabled={revoke.isPending}
            onClick={() => revoke.mutate(share.id)}
          >
            Revoke the link
          </button>
          <button type="button" className="button button--secondary button--small" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </div>
      ) : (
        <div className="card-actions">
          <button
            type="button"
            className="button button--secondary button--small"
            aria-describedby={titleId}
            onClick={() => setConfirming(true)}
          >
            Revoke
          </button>
        </div>
      )}
    </li>
  );
}

function downloadsWords({ downloads, maxDownloads }: Share): string {
  const done = downloads === 1 ? "1 download" : `${downloads} downloads`;
  return maxDownloads === null ? `${done}, no limit` : `${done}, ${Math.max(maxDownloads - downloads, 0)} left`;
}
