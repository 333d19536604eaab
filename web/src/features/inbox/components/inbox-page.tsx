import { Link } from "react-router";
import { ErrorMessage } from "@/components/error-message";
import { useInbox, useMarkAllRead, useMarkRead, type InboxItem } from "../api/inbox-api";
import { useStreamStatus } from "../hooks/use-live-inbox";
import { PreferencesForm } from "./preferences-form";

const STATUS_WORDS = {
  live: "Live: new notifications appear here.",
  connecting: "Connecting…",
  waiting: "Reconnecting…",
};

export function InboxPage() {
  const inbox = useInbox();
  const markAllRead = useMarkAllRead();
  const status = useStreamStatus();
  const items = inbox.data?.pages.flatMap((page) => page.items) ?? [];
  const unread = inbox.data?.pages[0]?.unread ?? 0;

  return (
    <>
      <h1>Inbox</h1>
      <div className="toolbar">
        <p className="muted grow" role="status">
          {unread === 1 ? "1 unread notification" : `${unread} unread notifications`}. {STATUS_WORDS[status]}
        </p>
        {unread > 0 && (
          <button
            type="button"
            className="button button--secondary button--small"
            disabled={markAllRead.isPending}
            onClick={() => markAllRead.mutate()}
          >
            Mark all read
          </button>
        )}
      </div>
      <ErrorMessage error={inbox.error ?? markAllRead.error} />
      {inbox.isPending && (
        <p className="loading" role="status">
          Loading…
        </p>
      )}
      {inbox.isSuccess && items.length === 0 && <p>Nothing here yet.</p>}
      {items.length > 0 && (
        <ul className="cards" aria-label="Notifications">
          {items.map((item) => (
            <Notification key={item.id} item={item} />
          ))}
        </ul>
      )}
      {inbox.hasNextPage && (
        <button
          type="button"
          className="button button--secondary"
          disabled={inbox.isFetchingNextPage}
          onClick={() => inbox.fetchNextPage()}
        >
          {inbox.isFetchingNextPage ? "Loading…" : "Show older"}
        </button>
      )}
      <PreferencesForm />
    </>
  );
}

function Notification({ item }: { item: InboxItem }) {
  const markRead = useMarkRead();
  const appPath = pathInApp(item.link);
  return (
    <li className={item.read ? "card" : "card card--unread"} aria-labelledby={`notification-${item.id}`}>
      <h2 className="card-title" id={`notification-${item.id}`}>
        {!item.read && <span className="visually-hidden">Unread: </span>}
        {item.title}
      </h2>
      <p>{item.body}</p>
      <p className="muted">
        <time dateTime={item.createdAt}>{new Date(item.createdAt).toLocaleString()}</time>
      </p>
      <div className="card-actions">
        {appPath !== undefined ? <Link to={appPath}>Open</Link> : item.link && <a href={item.link}>Open</a>}
        {!item.read && (
          <button
            type="button"
            className="button button--secondary button--small"
            disabled={markRead.isPending}
            onClick={() => markRead.mutate(item.id)}
            aria-describedby={`notification-${item.id}`}
          >
            Mark read
          </button>
        )}
      </div>
      <ErrorMessage error={markRead.error} />
    </li>
  );
}

/** A link into this app (its /app/… pages) as a route of the router; undefined for anything else. */
function pathInApp(link: string | null): string | undefined {
  if (!link) return undefined;
  const url = new URL(link, location.origin);
  if (url.origin !== location.origin || !(url.pathname === "/app" || url.pathname.startsWith("/app/")))
    return undefined;
  return (url.pathname.slice("/app".length) || "/") + url.search;
}
