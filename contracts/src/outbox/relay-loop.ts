import type { EventLogger } from "../events/kafka.js";

export type RelayLoop = {
  start(): void;
  /** Wakes the loop now (a new event was committed). */
  wake(): void;
  /** Finishes the batch in hand, then stops. */
  stop(): Promise<void>;
};

/**
 * Runs `publishBatch` until it reports nothing left, then sleeps until woken or until the
 * poll interval passes. Failures back off exponentially (with jitter) up to `maxBackoffMs`.
 */
export function createRelayLoop(options: {
  name: string;
  publishBatch: () => Promise<number>;
  logger: EventLogger;
  pollIntervalMs: number;
  maxBackoffMs?: number;
}): RelayLoop {
  const { publishBatch, logger, pollIntervalMs, maxBackoffMs = 30_000 } = options;
  let running = false;
  let done: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  let woken = false;

  function sleep(ms: number): Promise<void> {
    if (woken) {
      woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(finish, ms);
      function finish() {
        clearTimeout(timer);
        wakeUp = undefined;
        woken = false;
        resolve();
      }
      wakeUp = finish;
    });
  }

  async function run() {
    let failures = 0;
    while (running) {
      try {
        const published = await publishBatch();
        if (failures > 0) logger.info({ relay: options.name }, "outbox relay recovered");
        failures = 0;
        if (published > 0) continue;
        await sleep(pollIntervalMs);
      } catch (err) {
        failures += 1;
        const backoff = Math.min(maxBackoffMs, 100 * 2 ** Math.min(failures, 10));
        const delay = backoff / 2 + Math.random() * (backoff / 2);
        logger.warn({ err, relay: options.name, failures, retryInMs: Math.round(delay) }, "outbox relay failed");
        await sleep(delay);
      }
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      done = run();
    },
    wake() {
      woken = true;
      wakeUp?.();
    },
    async stop() {
      running = false;
      this.wake();
      await done;
    },
  };
}
