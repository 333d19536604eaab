import { errorOf, networkError, type ApiError } from "../api/errors";

/**
 * The session in this tab: the access token lives in memory only; the refresh token is an HttpOnly
 * cookie the browser sends to /auth alone. Reloading the page renews the access token from it.
 */

export type SessionState =
  { status: "unknown" } | { status: "signed-in"; accessToken: string } | { status: "signed-out"; reason?: string };

let state: SessionState = { status: "unknown" };
let renewing: Promise<string | undefined> | undefined;
const listeners = new Set<() => void>();

function set(next: SessionState) {
  state = next;
  for (const listener of listeners) listener();
}

export const getSession = (): SessionState => state;

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function getAccessToken(): string | undefined {
  return state.status === "signed-in" ? state.accessToken : undefined;
}

export function startSession(accessToken: string): void {
  set({ status: "signed-in", accessToken });
}

/** Ends the session in this tab; `reason` is shown on the sign-in page. */
export function endSession(reason?: string): void {
  set(reason === undefined ? { status: "signed-out" } : { status: "signed-out", reason });
}

/**
 * A new access token through the refresh cookie, or undefined when the session is over (the cookie
 * is missing, expired, or was reused: the server then revoked the session). One request at a time
 * in the tab, and across tabs, since each refresh rotates the cookie and a second use of the old
 * one would count as theft.
 */
export function renewAccessToken(): Promise<string | undefined> {
  renewing ??= withRefreshLock(refresh).finally(() => (renewing = undefined));
  return renewing;
}

/** The token to send now: the one being renewed if a renewal is under way, else the current one, else a renewed one. */
export function freshAccessToken(): Promise<string | undefined> {
  const token = getAccessToken();
  return renewing ?? (token !== undefined ? Promise.resolve(token) : renewAccessToken());
}

async function refresh(): Promise<string | undefined> {
  const before = getAccessToken();
  const response = await fetch("/auth/refresh", { method: "POST", credentials: "include" }).catch(() => {
    throw networkError();
  });
  if (response.ok) {
    const { accessToken } = (await response.json()) as { accessToken: string };
    startSession(accessToken);
    return accessToken;
  }
  const error = await errorOf(response);
  if (error.code !== "INVALID_REFRESH_TOKEN" && error.code !== "REFRESH_TOKEN_REUSED") throw error;
  // Ended here meanwhile (signed out, account deleted): that reason is the one to show.
  if (state.status === "signed-out") return undefined;
  // Refused while signed in: the person was using the app, so say why they must sign in again.
  endSession(before === undefined ? undefined : describeRefusal(error));
  return undefined;
}

function describeRefusal(error: ApiError): string {
  return error.code === "REFRESH_TOKEN_REUSED"
    ? "Your session was ended for your safety (it was used from somewhere else). Please sign in again."
    : "Your session has ended (it expired, or was ended from another device). Please sign in again.";
}

async function withRefreshLock<T>(task: () => Promise<T>): Promise<T> {
  if (!navigator.locks) return task();
  return navigator.locks.request("coffer-session-refresh", task);
}
