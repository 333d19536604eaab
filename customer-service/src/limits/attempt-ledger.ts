import type { Attempt } from "../database.js";
import type { AttemptRepository } from "./attempt-repository.js";

/** Seconds to wait before another attempt may be taken, from the key's recent counted attempts (newest first); 0: now. */
export type Decide = (recent: readonly Attempt[], now: number) => number;

export type Taken = { ok: true; key: string; n: number } | { ok: false; retryAfterSeconds: number };

// Every taker that loses a slot re-reads and decides again, after a short random pause so that a
// crowd on one key (many people behind one address) spreads out; losing this often means a crowd.
const MAX_ROUNDS = 20;
const pause = (round: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (round + 1)));

/**
 * Takes the key's next attempt if `decide` allows one now. Attempts of a key are numbered 1, 2,
 * 3, …: attempt n is inserted only after its taker read attempt n-1 and decided that one more is
 * allowed. The unique id `<key>#<n>` makes the insert the single atomic step deciding the
 * outcome: of all the requests (on any instance) that read the same state, one takes the next
 * number, the others read again and see it. Updates are no use here: FerretDB v1 applies
 * concurrent updates of one document without isolation.
 */
export async function takeAttempt(
  attempts: AttemptRepository,
  key: string,
  since: Date,
  decide: Decide,
): Promise<Taken> {
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const now = new Date();
    // The newest number first: what is read after it includes it, so a stale read can only
    // pick a number already taken (and lose the insert), never decide on less than it knows.
    const latest = await attempts.latest(key);
    const wait = decide(await attempts.countedSince(key, since), now.getTime());
    if (wait > 0) return { ok: false, retryAfterSeconds: Math.ceil(wait) };
    const n = (latest?.n ?? 0) + 1;
    if (await attempts.insert(key, n, now)) return { ok: true, key, n };
    await pause(round);
  }
  return { ok: false, retryAfterSeconds: 1 };
}
