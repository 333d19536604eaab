import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { notificationApi, unwrap } from "@/lib/api/clients";
import type { paths } from "@/lib/api/generated/notification-service";

export type InboxPage = paths["/notifications"]["get"]["responses"][200]["content"]["application/json"];
export type InboxItem = InboxPage["items"][number];
export type Preferences = paths["/notifications/preferences"]["get"]["responses"][200]["content"]["application/json"];
export type PreferenceChoices =
  paths["/notifications/preferences"]["put"]["requestBody"]["content"]["application/json"];

export const INBOX_KEY = ["notifications"] as const;
const PREFERENCES_KEY = ["notifications", "preferences"] as const;
const PAGE_SIZE = 20;

/** The inbox, newest first, a page at a time; each page also says how many items are unread. */
export function useInbox() {
  return useInfiniteQuery({
    queryKey: INBOX_KEY,
    queryFn: ({ pageParam }) =>
      unwrap(
        notificationApi.GET("/notifications", {
          params: { query: { limit: PAGE_SIZE, ...(pageParam && { cursor: pageParam }) } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** The unread count, from the newest page (the live stream keeps it current). */
export function useUnreadCount(): number | undefined {
  return useInbox().data?.pages[0]?.unread;
}

type InboxData = InfiniteData<InboxPage, string | undefined>;

/** The newest item id held: where the live stream resumes. */
export function newestId(data: InboxData | undefined): string | undefined {
  return data?.pages[0]?.items[0]?.id;
}

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(notificationApi.POST("/notifications/{id}/read", { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: INBOX_KEY, exact: true }),
  });
}

export function useMarkAllRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(notificationApi.POST("/notifications/read-all")),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: INBOX_KEY, exact: true }),
  });
}

export function usePreferences() {
  return useQuery({
    queryKey: PREFERENCES_KEY,
    queryFn: () => unwrap(notificationApi.GET("/notifications/preferences")),
  });
}

export function useSavePreferences() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (choices: PreferenceChoices) =>
      unwrap(notificationApi.PUT("/notifications/preferences", { body: choices })),
    onSuccess: (saved) => queryClient.setQueryData(PREFERENCES_KEY, saved),
  });
}
