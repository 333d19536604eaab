import type { Target } from "./kong-config.js";

/**
 * Kong's `round-robin` algorithm over an upstream's targets: each gets requests in proportion to
 * its weight, spread evenly (equal weights strictly alternate), and a weight of 0 gets none.
 * Answers `undefined` when no target can take a request (Kong's 503 "failure to get a peer").
 */
export function createRoundRobin(targets: readonly Target[]): () => Target | undefined {
  const wheel = targets.filter((t) => t.weight > 0).map((target) => ({ target, current: 0 }));
  const total = wheel.reduce((sum, entry) => sum + entry.target.weight, 0);
  return () => {
    let chosen: (typeof wheel)[number] | undefined;
    for (const entry of wheel) {
      entry.current += entry.target.weight;
      if (!chosen || entry.current > chosen.current) chosen = entry;
    }
    if (!chosen) return undefined;
    chosen.current -= total;
    return chosen.target;
  };
}
