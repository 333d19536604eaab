import closeWithGrace from "close-with-grace";
import type { FastifyInstance } from "fastify";
import { ConfigError } from "../config/parse-env.js";
import { flushTraces } from "../tracing/index.js";
import type { StartOptions } from "./startup.js";

/**
 * A service's `main.ts`: loads its configuration (a bad one exits 1 naming every bad key), builds
 * the app, which listens as soon as its routes are registered and answers `starting` until the
 * rest of its start is done; closes it on SIGINT/SIGTERM or an uncaught error (10 s at most). A
 * start that fails (a schema lacking a migration, a database unreachable) closes it and exits 1.
 */
export async function runService<C extends { host: string; port: number }>(service: {
  name: string;
  loadConfig: () => C;
  buildApp: (config: C, start: StartOptions) => Promise<FastifyInstance>;
}): Promise<void> {
  let config: C;
  try {
    config = service.loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${service.name}: ${error.message}`);
    process.exit(1);
  }
  try {
    await service.buildApp(config, {
      async listen(app) {
        closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
          if (err) app.log.error({ err }, "closing after an unexpected error");
          else app.log.info({ signal }, "closing");
          await app.close();
          await flushTraces();
        });
        await app.listen({ host: config.host, port: config.port });
      },
    });
  } catch (error) {
    console.error(`${service.name} cannot start: ${(error as Error).message}`);
    process.exit(1);
  }
}
