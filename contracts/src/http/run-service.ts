import closeWithGrace from "close-with-grace";
import type { FastifyInstance } from "fastify";
import { ConfigError } from "../config/parse-env.js";

/**
 * A service's `main.ts`: loads its configuration (a bad one exits 1 naming every bad key), builds
 * the app, closes it on SIGINT/SIGTERM or an uncaught error (10 s at most), and listens.
 */
export async function runService<C extends { host: string; port: number }>(service: {
  name: string;
  loadConfig: () => C;
  buildApp: (config: C) => Promise<FastifyInstance>;
}): Promise<FastifyInstance> {
  let config: C;
  try {
    config = service.loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${service.name}: ${error.message}`);
    process.exit(1);
  }
  const app = await service.buildApp(config);

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, "closing after an unexpected error");
    else app.log.info({ signal }, "closing");
    await app.close();
  });

  await app.listen({ host: config.host, port: config.port });
  return app;
}
