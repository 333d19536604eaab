import type { IncomingMessage } from "node:http";

/**
 * Calls `onStall` once if a request's body stops before its end: "gone" when the connection
 * closes, "idle" when no byte arrived for `idleMs` while none waited unread (a body held back
 * because storage is slow to take it is not idle). It watches the socket's byte count instead of
 * listening to the body, so whoever reads the body (busboy, tus) reads all of it. Returns the
 * function that stops watching.
 */
export function watchBody(raw: IncomingMessage, idleMs: number, onStall: (why: "idle" | "gone") => void): () => void {
  let seen = raw.socket.bytesRead;
  let quietSince = Date.now();
  const stall = (why: "idle" | "gone") => {
    stop();
    onStall(why);
  };
  const timer = setInterval(
    () => {
      if (raw.complete) return stop();
      const read = raw.socket.bytesRead;
      if (read !== seen || raw.readableLength > 0) {
        seen = read;
        quietSince = Date.now();
      } else if (Date.now() - quietSince >= idleMs) {
        stall("idle");
      }
    },
    Math.min(1000, Math.max(50, idleMs / 10)),
  ).unref();
  const onClose = () => (raw.complete ? stop() : stall("gone"));
  raw.once("close", onClose);
  function stop() {
    clearInterval(timer);
    raw.off("close", onClose);
  }
  return stop;
}
