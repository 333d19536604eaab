// The downloads' peer: the least a Node proxy of MinIO does, in a process of its own as
// file-service is. GET /<key> (with one `Range: bytes=a-b`) reads the object with the minio
// client, as file-service does, and pipes it to the response; no auth, no database, no hooks.
//   MINIO_ENDPOINT=… MINIO_ACCESS_KEY=… MINIO_SECRET_KEY=… BUCKET=… PORT=… node bare-proxy.mjs
import { createServer } from "node:http";
import { pipeline } from "node:stream";
import * as Minio from "minio";

const endpoint = new URL(process.env.MINIO_ENDPOINT);
const minio = new Minio.Client({
  endPoint: endpoint.hostname,
  port: Number(endpoint.port),
  useSSL: false,
  accessKey: process.env.MINIO_ACCESS_KEY,
  secretKey: process.env.MINIO_SECRET_KEY,
  region: "us-east-1",
});
const bucket = process.env.BUCKET;

const server = createServer(async (req, res) => {
  const key = decodeURIComponent(req.url.slice(1));
  const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? "");
  try {
    const body = range
      ? await minio.getPartialObject(bucket, key, Number(range[1]), Number(range[2]) - Number(range[1]) + 1)
      : await minio.getObject(bucket, key);
    res.writeHead(range ? 206 : 200, { "content-length": body.headers["content-length"] });
    pipeline(body, res, () => undefined);
  } catch (error) {
    res.writeHead(502).end(String(error));
  }
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => process.send?.("listening"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
