import { useUnreadCount } from "../api/inbox-api";
import { useLiveInbox } from "../hooks/use-live-inbox";

/**
 * The inbox's unread count beside its navigation link, kept live by the notification stream while
 * the app is open: mounted once, in the navigation.
 */
export function UnreadCount() {
  useLiveInbox();
  const unread = useUnreadCount();
  if (!unread) return null;
  return (
    <span className="badge">
      {unread}
      <span className="visually-hidden"> unread</span>
    </span>
  );
}
