import { randomUUID } from "node:crypto";
import type { PluginConfigs } from "../kong-config.js";
import type { PluginHandler } from "./plugin.js";

/** Keeps the id a client sent, or makes one; passes it upstream and, if asked, back to the client. */
export function createCorrelationId(config: PluginConfigs["correlation-id"]): PluginHandler {
  const header = config.header_name.toLowerCase();
  let counter = 0;
  return {
    priority: 100001,
    access(exchange) {
      const given = exchange.request.headers[header];
      let id = typeof given === "string" && given !== "" ? given : undefined;
      if (!id) id = config.generator === "uuid" ? randomUUID() : `${randomUUID()}#${++counter}`;
      exchange.upstreamHeaders[header] = id;
      exchange.correlationId = id;
      if (config.echo_downstream) exchange.responseHeaders[config.header_name] = id;
      return undefined;
    },
  };
}
