import { useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { useEffect, useSyncExternalStore } from "react";
import { INBOX_KEY, newestId, type InboxPage } from "../api/inbox-api";
import { followNotifications, type StreamStatus } from "../api/notification-stream";

type InboxData = InfiniteData<InboxPage, string | undefined>;

let status: StreamStatus = "connecting";
const listeners = new Set<() => void>();
function setStatus(next: StreamStatus) {
  status = next;
  for (const listener of listeners) listener();
}

/** Keeps the inbox (and its unread count) current from the live stream while the component is mounted. */
export function useLiveInbox(): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const controller = new AbortController();
    void followNotifications({
      since: () => newestId(queryClient.getQueryData<InboxData>(INBOX_KEY)),
      // The item is stored before it is sent: the list asked again holds it, and the true unread count.
      onItem: () => void queryClient.invalidateQueries({ queryKey: INBOX_KEY, exact: true }),
      onStatus: setStatus,
      signal: controller.signal,
    });
    return () => controller.abort();
  }, [queryClient]);
}

/** Whether the live stream is connected now. */
export function useStreamStatus(): StreamStatus {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => status,
  );
}
