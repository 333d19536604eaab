import { ConfigError } from "@coffer/contracts/config";
import { loadConfig, type Config } from "./config.js";
import { connectFileStorage } from "./storage/file-storage.js";

// The bucket and its lifecycle rule, made once before the instances start (a deployment's hook
// job), as the first instance to start would otherwise make them.
let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`file-service bucket: ${error.message}`);
  process.exit(1);
}
try {
  await connectFileStorage(config.minio, { warn: (details, message) => console.warn(message, details) });
  console.log(`file-service: bucket ${config.minio.bucket} is ready`);
} catch (error) {
  console.error(`file-service bucket: ${(error as Error).message}`);
  process.exitCode = 1;
}
