import type { IncomingMessage } from "node:http";

/**
 * Calls `onIdle` once if a request's body stalls: no byte arrived on its connection for `idleMs`
 * while none waited unread (a body held back because storage is slow to take it is not idle).
 * It watches the socket's byte count instead of listening to the body, so whoever reads the body
 * (busboy, tus) reads all of it. Returns the function that stops watching.
 */
export function watchIdleBody(raw: IncomingMessage, idleMs: number, onIdle: () => void): () => void {
  let seen = raw.socket.bytesRead;
  let quietSince = Date.now();
  const timer = setInterval(
    () => {
      if (raw.complete || raw.destroyed) return stop();
      const read = raw.socket.bytesRead;
      if (read !== seen || raw.readableLength > 0) {
        seen = read;
        quietSince = Date.now();
      } else if (Date.now() - quietSince >= idleMs) {
        stop();
        onIdle();
      }
    },
    Math.min(1000, Math.max(50, idleMs / 10)),
  ).unref();
  const stop = () => clearInterval(timer);
  return stop;
}
