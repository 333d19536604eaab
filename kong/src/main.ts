import { once } from "node:events";
import { pino } from "pino";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { createDocsPages } from "./docs.js";
import { createGateway } from "./gateway.js";
import { KongConfigError, loadKongConfig } from "./kong-config.js";
import { importJwtKeys } from "./plugins/jwt.js";

function fail(message: string): never {
  console.error(`gateway: ${message}`);
  process.exit(1);
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}

const logger = pino({ level: config.logLevel, base: { service: "gateway" } });
let server;
try {
  const kong = loadKongConfig(config.kongFile);
  server = createGateway({
    config: kong,
    jwtKeys: await importJwtKeys(kong.credentials),
    logger,
    resolve: config.resolve,
    listenPort: config.port,
    pages: createDocsPages(kong.upstreams, config.resolve),
  });
} catch (error) {
  // A kong.yml the gateway cannot serve as Kong would, or a key that does not parse: say which, and stop.
  fail(error instanceof KongConfigError ? error.message : `${config.kongFile}: ${(error as Error).message}`);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    logger.info({ signal }, "closing");
    server.close();
    server.closeAllConnections();
  });
}

server.listen(config.port, config.host);
await once(server, "listening");
logger.info({ address: `http://${config.host}:${config.port}`, kongFile: config.kongFile }, "gateway listening");
