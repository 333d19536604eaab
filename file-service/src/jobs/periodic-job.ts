import type { EventLogger } from "@coffer/contracts";

/** A background task the app starts once it is built and stops when it closes. */
export type Job = { start(): void; wake(): void; stop(): Promise<void> };

/**
 * Runs `task` every `intervalMs` and whenever woken, never twice at once: a wake during a run
 * runs it once more after. A failure is logged and left to the next run.
 */
export function createPeriodicJob(options: {
  name: string;
  intervalMs: number;
  task: () => Promise<unknown>;
  logger: EventLogger;
  runAtStart?: boolean;
}): Job {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  function run() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = options
      .task()
      .then(
        () => undefined,
        (err: unknown) => options.logger.warn({ err }, `${options.name} failed`),
      )
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        }
      });
  }
  return {
    start() {
      timer = setInterval(run, options.intervalMs).unref();
      if (options.runAtStart) run();
    },
    wake: run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
