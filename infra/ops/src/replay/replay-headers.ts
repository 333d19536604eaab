import { REPLAY_HEADERS } from "@coffer/contracts";
import type { IHeaders } from "kafkajs";

export type ReplayStamp = { replayId: string; replayedAt: string; resend: boolean };

const lastValue = (value: IHeaders[string]) => (Array.isArray(value) ? value.at(-1) : value);

/** How often the record has been replayed already (0 for an original). */
export function replayCountOf(headers: IHeaders): number {
  const count = Number(lastValue(headers[REPLAY_HEADERS.count])?.toString() ?? "0");
  return Number.isInteger(count) && count > 0 ? count : 0;
}

/**
 * The headers of a copy: the original's, byte for byte, with this replay's id, time and count.
 * A dead-letter's `dlq-*` headers are dropped (the copy is not dead), and so is an earlier
 * replay's resend flag: only this replay's --resend may make a consumer repeat its effect.
 */
export function replayHeaders(original: IHeaders, stamp: ReplayStamp): IHeaders {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(original)) {
    if (value === undefined || name.startsWith("dlq-") || name === REPLAY_HEADERS.resend) continue;
    headers[name] = value;
  }
  headers[REPLAY_HEADERS.id] = stamp.replayId;
  headers[REPLAY_HEADERS.replayedAt] = stamp.replayedAt;
  headers[REPLAY_HEADERS.count] = String(replayCountOf(original) + 1);
  if (stamp.resend) headers[REPLAY_HEADERS.resend] = "true";
  return headers;
}
