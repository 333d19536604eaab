import type { FastifyInstance } from "fastify";

/** What `runService` gives `buildApp`: how to listen once every route is registered. */
export type StartOptions = { listen?: (app: FastifyInstance) => Promise<void> };

export type Startup = {
  /** `/health/ready` answers 503 STARTING, and every other route 503 DEPENDENCY_UNAVAILABLE, until `run` ends. */
  isStarted(): boolean;
  /**
   * Listens (the `listen` runService gave; tests give none and get a started app), then runs the
   * slow part of the start (the schema check, LISTEN, the consumer group join): a deployed
   * instance answers its probes `starting` meanwhile rather than refusing connections. A step that
   * fails closes the app and throws.
   */
  run(app: FastifyInstance, steps: () => Promise<void>): Promise<void>;
};

export function createStartup(options: StartOptions = {}): Startup {
  let started = false;
  return {
    isStarted: () => started,
    async run(app, steps) {
      try {
        await options.listen?.(app);
        await steps();
      } catch (error) {
        await app.close().catch(() => undefined);
        throw error;
      }
      started = true;
    },
  };
}
