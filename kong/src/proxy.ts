import type { Agent } from "node:http";
import {
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from "node:http";
import { Transform, pipeline } from "node:stream";
import type { Target, Upstream } from "./kong-config.js";
import { escapePath } from "./request-target.js";
import type { Exchange, Exit } from "./plugins/plugin.js";
import { kongError } from "./plugins/plugin.js";
import { REQUEST_TOO_LARGE } from "./plugins/request-size-limiting.js";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

export type Address = { host: string; port: number };

export type ProxyOptions = {
  agent: Agent;
  /** Where a target's host name points (compose's DNS, on a machine without it). */
  resolve: (target: Target) => Address;
  /** The next target of the service's balancer, or none left. */
  pick: () => Target | undefined;
  listenPort: number;
  send: (response: ServerResponse, exchange: Exchange, exit: Exit) => void;
};

class BodyTooLarge extends Error {}

/**
 * Streams the request to the upstream and its answer back, byte for byte as they come: nothing
 * is buffered, so an upload of any size or a live event stream passes at the speed of the
 * slower side. Kong's answers for an upstream that fails or is too slow.
 */
export function proxy(
  exchange: Exchange,
  response: ServerResponse,
  upstream: Upstream,
  upstreamPath: string,
  options: ProxyOptions,
): Promise<{ status: number }> {
  const { request } = exchange;
  const headers = forwardedHeaders(exchange, options.listenPort);

  return new Promise((resolve) => {
    let settled = false;
    const finish = (status: number) => {
      if (settled) return;
      settled = true;
      resolve({ status });
    };
    let failed = false;
    const fail = (exit: Exit) => {
      if (failed) return;
      failed = true;
      if (!response.headersSent) {
        options.send(response, exchange, exit);
        response.once("close", () => finish(exit.status));
      } else {
        response.destroy();
        finish(response.statusCode);
      }
    };

    // Kong's retries: a target that refuses the connection (or does not accept it in time) is
    // passed over for the next one. The body is sent only once a connection is up, so nothing of
    // it is lost to a refused attempt.
    let retriesLeft = upstream.retries;
    const attempt = () => {
      const target = options.pick();
      if (!target) return fail(kongError(503, "failure to get a peer from the ring-balancer"));
      const address = options.resolve(target);
      if (!exchange.route?.preserveHost) headers.host = `${target.host}:${target.port}`;
      const upstreamRequest = httpRequest({
        agent: options.agent,
        host: address.host,
        port: address.port,
        method: exchange.method,
        path: escapePath(upstreamPath) + exchange.search,
        headers,
      });
      let connected = false;
      const connectTimer = setTimeout(() => {
        upstreamRequest.destroy(new ConnectTimeout());
      }, upstream.connectTimeoutMs);
      const onConnected = () => {
        connected = true;
        clearTimeout(connectTimer);
        sendBody(upstreamRequest);
      };
      upstreamRequest.on("socket", (socket) => {
        if (!socket.connecting) onConnected();
        else socket.once("connect", onConnected);
      });
      upstreamRequest.on("error", (error) => {
        clearTimeout(connectTimer);
        if (!connected && retriesLeft > 0 && !failed) {
          retriesLeft -= 1;
          return attempt();
        }
        if (error instanceof UpstreamTimeout || error instanceof ConnectTimeout) {
          fail(kongError(504, "The upstream server is timing out"));
        } else {
          fail(kongError(502, "An invalid response was received from the upstream server"));
        }
      });
      relay(upstreamRequest);
    };

    const relay = (upstreamRequest: ClientRequest) => {
      // Kong's write and read timeouts are between two successive operations, a socket's idle
      // timeout: the write one while the body goes up, the read one from then on.
      const timedOut = () => upstreamRequest.destroy(new UpstreamTimeout());
      upstreamRequest.setTimeout(upstream.writeTimeoutMs, timedOut);
      upstreamRequest.once("finish", () => upstreamRequest.setTimeout(upstream.readTimeoutMs, timedOut));

      upstreamRequest.on("response", (upstreamResponse: IncomingMessage) => {
        const responseHeaders: OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(upstreamResponse.headers)) {
          if (!HOP_BY_HOP.has(name) && value !== undefined) responseHeaders[name] = value;
        }
        for (const [name, value] of Object.entries(exchange.responseHeaders))
          responseHeaders[name.toLowerCase()] = value;
        responseHeaders.via = "1.1 coffer-dev-gateway";
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.statusMessage, responseHeaders);
        response.flushHeaders();
        pipeline(upstreamResponse, response, () => finish(upstreamResponse.statusCode ?? 502));
      });

      // The client went away: stop the upstream too, so nothing half-written lingers.
      response.on("close", () => {
        if (!response.writableFinished) upstreamRequest.destroy();
      });
      request.on("error", () => upstreamRequest.destroy());
    };

    // pipe, not pipeline: an upstream failure must leave the client's socket open for the answer.
    const sendBody = (upstreamRequest: ClientRequest) => {
      const limit = exchange.bodyLimitBytes;
      if (limit === undefined) return void request.pipe(upstreamRequest);
      let seen = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          seen += chunk.length;
          callback(seen > limit ? new BodyTooLarge() : null, chunk);
        },
      });
      counter.on("error", () => {
        request.unpipe(counter);
        upstreamRequest.destroy();
        exchange.responseHeaders.Connection = "close";
        fail(kongError(413, REQUEST_TOO_LARGE));
        request.resume(); // discard the rest; the connection closes after the answer
      });
      request.pipe(counter).pipe(upstreamRequest);
    };

    attempt();
  });
}

class ConnectTimeout extends Error {}
class UpstreamTimeout extends Error {}

function forwardedHeaders(exchange: Exchange, listenPort: number): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(exchange.upstreamHeaders)) {
    if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
  }
  // A chunked body stays chunked (Node re-frames it); a sized one keeps its Content-Length.
  if (exchange.request.headers["transfer-encoding"] !== undefined) delete headers["content-length"];
  const { request } = exchange;
  const priorFor = request.headers["x-forwarded-for"];
  headers["x-forwarded-for"] = priorFor ? `${priorFor}, ${exchange.clientIp}` : exchange.clientIp;
  headers["x-forwarded-proto"] = "http";
  headers["x-forwarded-host"] = (request.headers.host ?? "").replace(/:\d+$/, "");
  headers["x-forwarded-port"] = String(listenPort);
  headers["x-forwarded-path"] = escapePath(exchange.path);
  headers["x-real-ip"] = exchange.clientIp;
  return headers;
}
