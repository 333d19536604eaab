import closeWithGrace from "close-with-grace";
import { buildApp } from "./app.js";
import { ConfigError, loadConfig, type Config } from "./config.js";

function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`file-service: ${error.message}`);
    process.exit(1);
  }
}

const config = loadConfigOrExit();
const app = await buildApp(config);

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, "closing after an unexpected error");
  else app.log.info({ signal }, "closing");
  await app.close();
});

await app.listen({ host: config.host, port: config.port });
