export { ConfigError, TrustedProxies, parseEnv, parseTrustedProxies } from "./parse-env.js";
export { consumerEnv, parseServiceEnv, serviceEnv, serviceSettings } from "./service-env.js";
