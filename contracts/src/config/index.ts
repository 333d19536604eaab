export { ConfigError, TrustedProxies, parseEnv, parseTrustedProxies } from "./parse-env.js";
export {
  consumerEnv,
  migrationEnv,
  parseMigrationUrl,
  parseServiceEnv,
  serviceEnv,
  serviceSettings,
} from "./service-env.js";
