import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import type { JwtCredential, Route } from "../kong-config.js";

/** One request on its way through the plugins, as Kong's PDK sees it. */
export type Exchange = {
  request: IncomingMessage;
  method: string;
  /** Normalized as Kong routes on it (see request-target.ts). */
  path: string;
  query: URLSearchParams;
  /** `?` and the query as the client sent it, or "": what goes upstream. */
  search: string;
  clientIp: string;
  route: Route | undefined;
  /** The headers that will go upstream; plugins add and remove. */
  upstreamHeaders: OutgoingHttpHeaders;
  /** Headers added to whatever answers the client: the upstream's response or a plugin's exit. */
  responseHeaders: Record<string, string>;
  credential: JwtCredential | undefined;
  /** Set when the body has no Content-Length: the proxy counts it as it streams. */
  bodyLimitBytes: number | undefined;
  correlationId: string | undefined;
};

/** A plugin ending the request, as `kong.response.exit(status, body, headers)`. */
export type Exit = { status: number; body?: unknown; headers?: Record<string, string> };

export type PluginHandler = {
  /** Kong's priority: higher runs first. */
  priority: number;
  access(exchange: Exchange): Exit | undefined | Promise<Exit | undefined>;
};

export const kongError = (status: number, message: string, headers?: Record<string, string>): Exit => ({
  status,
  body: { message },
  ...(headers && { headers }),
});
