import { authorizedFetch } from "@/lib/api/authorized-fetch";
import { renewAccessToken } from "@/lib/auth/session";
import { readEventStream } from "./event-stream";
import type { InboxItem } from "./inbox-api";

export type StreamStatus = "connecting" | "live" | "waiting";

type FollowOptions = {
  /** The newest item id the client holds: the server replays what came after it (Last-Event-ID). */
  since: () => string | undefined;
  onItem: (item: InboxItem) => void;
  onStatus: (status: StreamStatus) => void;
  signal: AbortSignal;
};

const LONGEST_WAIT_MS = 30_000;

/**
 * Follows the inbox's Server-Sent Events until `signal` aborts or the session ends. A fetch, not
 * EventSource: the stream needs the Authorization header. After a break it reconnects (the
 * server's `retry`, doubled while it keeps failing) with the newest id held, so nothing is missed.
 */
export async function followNotifications({ since, onItem, onStatus, signal }: FollowOptions): Promise<void> {
  let retryMs = 3000;
  let failures = 0;
  const onLive = () => {
    failures = 0;
    onStatus("live");
  };
  while (!signal.aborted) {
    onStatus("connecting");
    const outcome = await connect({ since, onItem, onLive, signal }).catch(() => "broken" as const);
    if (outcome === "session-over" || signal.aborted) return;
    if (outcome === "reconnect-now") continue;
    if (typeof outcome === "number") retryMs = outcome;
    onStatus("waiting");
    await wait(Math.min(retryMs * 2 ** failures, LONGEST_WAIT_MS), signal);
    failures += 1;
  }
}

/**
 * One connection: how it ended tells what to do next — the server's retry time after a clean end,
 * "reconnect-now" when the token expired, "session-over" when the person must sign in again.
 */
async function connect({
  since,
  onItem,
  onLive,
  signal,
}: Omit<FollowOptions, "onStatus"> & { onLive: () => void }): Promise<
  number | "broken" | "reconnect-now" | "session-over"
> {
  const headers = new Headers({ accept: "text/event-stream" });
  const lastId = since();
  if (lastId !== undefined) headers.set("last-event-id", lastId);
  const response = await authorizedFetch(
    new Request(new URL("/notifications/stream", location.origin), { headers, signal, cache: "no-store" }),
  );
  // authorizedFetch renewed the token once already: a 401 now means the session is over.
  if (response.status === 401) return "session-over";
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    return "broken";
  }
  onLive();
  let retryMs: number | undefined;
  for await (const message of readEventStream(response.body)) {
    if (message.type === "retry") retryMs = message.milliseconds;
    else if (message.event === "notification") onItem(JSON.parse(message.data) as InboxItem);
    else if (message.event === "end") {
      const { reason } = JSON.parse(message.data) as { reason: string };
      if (reason === "token-expired") return "reconnect-now";
      // Revoked (another device ended it, the password changed): renewing fails and ends it here too.
      if (reason === "session-revoked")
        return (await renewAccessToken()) === undefined ? "session-over" : "reconnect-now";
    }
  }
  return retryMs ?? "broken";
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
