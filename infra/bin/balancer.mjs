// A round-robin HTTP balancer with health checks, for servers whose requests may be repeated
// (the schema registry: reads, and registrations that answer the same id twice).
//
//   node balancer.mjs --listen 127.0.0.1:8081 --health /path 127.0.0.1:8082 127.0.0.1:8083
//
// Each backend is probed every second; one that fails a probe or a request is skipped until a
// probe passes again. A request that gets no answer from a backend (refused, reset, timed out
// before the response began) is sent to the next one, so a killed instance costs its clients
// nothing; 502 only when every backend failed it.
import http from "node:http";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  options: { listen: { type: "string" }, health: { type: "string" } },
  allowPositionals: true,
});
if (!values.listen || !values.health || positionals.length === 0) {
  console.error("usage: balancer.mjs --listen host:port --health /path backend-host:port…");
  process.exit(2);
}

const PROBE_INTERVAL_MS = 1000;
// Below the registry client's own timeout, so a hung backend is left while the client still waits.
const ATTEMPT_TIMEOUT_MS = 3000;
const MAX_BODY_BYTES = 8 * 1024 * 1024;

const agent = new http.Agent({ keepAlive: true });
const backends = positionals.map((address) => {
  const [host, port] = splitAddress(address);
  return { address, host, port, healthy: true };
});
let next = 0;

function splitAddress(address) {
  const at = address.lastIndexOf(":");
  return [address.slice(0, at), Number(address.slice(at + 1))];
}

function markHealthy(backend, healthy, reason) {
  if (backend.healthy !== healthy) console.log(`${backend.address} ${healthy ? "healthy" : `unhealthy: ${reason}`}`);
  backend.healthy = healthy;
}

/** Healthy backends first, each list in round-robin order from this request's turn. */
function attemptOrder() {
  const start = next++ % backends.length;
  const turn = [...backends.slice(start), ...backends.slice(0, start)];
  return [...turn.filter((b) => b.healthy), ...turn.filter((b) => !b.healthy)];
}

function forward(backend, request, body) {
  return new Promise((resolve, reject) => {
    const outgoing = http.request({
      host: backend.host,
      port: backend.port,
      method: request.method,
      path: request.url,
      headers: { ...request.headers, host: backend.address },
      agent,
      timeout: ATTEMPT_TIMEOUT_MS,
    });
    outgoing.on("response", resolve);
    outgoing.on("timeout", () => outgoing.destroy(new Error(`no answer within ${ATTEMPT_TIMEOUT_MS} ms`)));
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

async function readBody(request) {
  const chunks = [];
  let size = 0;
  for await (const chunk of request) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const server = http.createServer(async (request, response) => {
  let body;
  try {
    body = await readBody(request);
  } catch (error) {
    response.writeHead(413, { "content-type": "application/json" }).end(JSON.stringify({ message: error.message }));
    return;
  }
  const failures = [];
  for (const backend of attemptOrder()) {
    try {
      const answer = await forward(backend, request, body);
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
      return;
    } catch (error) {
      markHealthy(backend, false, error.message);
      failures.push(`${backend.address}: ${error.message}`);
    }
  }
  response
    .writeHead(502, { "content-type": "application/json" })
    .end(JSON.stringify({ message: `no backend answered (${failures.join("; ")})` }));
});

function probe(backend) {
  const check = http.get(
    { host: backend.host, port: backend.port, path: values.health, timeout: PROBE_INTERVAL_MS },
    (answer) => {
      answer.resume();
      markHealthy(backend, answer.statusCode === 200, `health answered ${answer.statusCode}`);
    },
  );
  check.on("timeout", () => check.destroy(new Error("health check timed out")));
  check.on("error", (error) => markHealthy(backend, false, error.message));
}

const probes = setInterval(() => backends.forEach(probe), PROBE_INTERVAL_MS);
backends.forEach(probe);

const [host, port] = splitAddress(values.listen);
server.listen(port, host, () => console.log(`balancing ${values.listen} over ${positionals.join(", ")}`));

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    clearInterval(probes);
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
