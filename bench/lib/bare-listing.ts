// The listing's peer: file-service's own `listFiles` (the same statements, prepared, on a pool of
// the same size) answered by a bare `node:http` server in a process of its own, as file-service
// is: no Fastify, no token, no access check, no schema; the customer comes in `x-customer-id`.
// What is left is what a page of 50 files costs on this machine at least: PostgreSQL, pg's
// parsing of the rows and the JSON on the wire.
//   DATABASE_URL=… PORT=… node --import tsx bare-listing.ts
import { createServer } from "node:http";
import { createPool } from "@coffer/contracts/pg";
import { toFileResponse } from "../../file-service/src/files/file-schemas.js";
import { listFiles, type FileDeps } from "../../file-service/src/files/file-service.js";

// The pool file-service makes (createPool: its size, its timeouts).
const pool = createPool({ connectionString: process.env.DATABASE_URL!, logger: console });
const deps = { pool, preparedStatements: true } as unknown as FileDeps;

const server = createServer(async (req, res) => {
  const params = new URL(req.url ?? "/", "http://bare").searchParams;
  try {
    const page = await listFiles(
      deps,
      { customerId: String(req.headers["x-customer-id"]), correlationId: "bench" },
      {
        q: params.get("q") ?? undefined,
        cursor: params.get("cursor") ?? undefined,
        sort: "name",
        order: "asc",
        limit: Number(params.get("limit") ?? 50),
      },
    );
    const body = JSON.stringify({ files: page.files.map(toFileResponse), nextCursor: page.nextCursor });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
  } catch (error) {
    res.writeHead(500).end(String(error));
  }
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => process.send?.("listening"));
process.on("SIGTERM", () => server.close(() => void pool.end().then(() => process.exit(0))));
