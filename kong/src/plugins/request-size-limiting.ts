import type { PluginConfigs } from "../kong-config.js";
import type { PluginHandler } from "./plugin.js";
import { kongError } from "./plugin.js";

const UNIT_BYTES = { megabytes: 2 ** 20, kilobytes: 2 ** 10, bytes: 1 } as const;

export const REQUEST_TOO_LARGE = "Request size limit exceeded";

/**
 * Kong's request-size-limiting: a declared Content-Length over the limit is refused before any
 * byte is read; a body without one is counted as it streams (the proxy stops it at the limit).
 */
export function createRequestSizeLimiting(config: PluginConfigs["request-size-limiting"]): PluginHandler {
  const limit = config.allowed_payload_size * UNIT_BYTES[config.size_unit];
  return {
    priority: 951,
    access(exchange) {
      const declared = exchange.request.headers["content-length"];
      if (declared === undefined) {
        const hasBody = exchange.request.headers["transfer-encoding"] !== undefined;
        if (config.require_content_length && hasBody)
          return kongError(411, "A valid Content-Length header is required");
        if (hasBody) exchange.bodyLimitBytes = limit;
        return undefined;
      }
      if (Number(declared) > limit) return kongError(413, REQUEST_TOO_LARGE);
      return undefined;
    },
  };
}
