import { loadConfig } from "./config.js";
import { connectFileStorage } from "./storage/file-storage.js";

// The bucket and its lifecycle rule, made once before the instances start (a deployment's hook
// job), as the first instance to start would otherwise make them.
await connectFileStorage(loadConfig().minio, { warn: (details, message) => console.warn(message, details) });
