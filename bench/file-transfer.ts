// Upload and download throughput through file-service, each as a ratio to the minio client
// talking to MinIO directly in the same run, and file-service's peak RSS during the largest
// transfer. file-service runs as its own process, as in production.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import * as Minio from "minio";
import pg from "pg";

const MiB = 2 ** 20;
const SIZES = (process.env.BENCH_SIZES ?? "16,256,1024").split(",").map((s) => Number(s) * MiB);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

// Content generated on the fly from a repeating random block: no file on disk, no big buffer.
function content(size: number): Readable {
  const block = Buffer.alloc(MiB);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, i);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return this.push(null);
      const n = Math.min(MiB, size - sent);
      sent += n;
      this.push(n === MiB ? block : block.subarray(0, n));
    },
  });
}
const sink = () => new Writable({ write: (_c, _e, done) => done() });

// A JWKS the service trusts for the run.
const { publicKey, privateKey } = await generateKeyPair("RS256");
const jwk = { ...(await exportJWK(publicKey)), kid: "bench", alg: "RS256", use: "sig" };
const jwks = createServer((_, res) => res.end(JSON.stringify({ keys: [jwk] })));
await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
const customerId = randomUUID();
const token = await new SignJWT({ roles: ["user"] })
  .setProtectedHeader({ alg: "RS256", kid: "bench" })
  .setIssuer("coffer")
  .setAudience("coffer-api")
  .setSubject(customerId)
  .setIssuedAt()
  .setExpirationTime("2h")
  .sign(privateKey);

const adminUrl = process.env.PG_ADMIN_URL!;
const database = `bench_${randomUUID().replaceAll("-", "")}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
const bucket = `bench-${randomUUID()}`;
const port = 3900 + Math.floor(Math.random() * 90);
const service = spawn(process.execPath, ["file-service/dist/main.js"], {
  env: {
    ...process.env,
    PORT: String(port),
    LOG_LEVEL: "warn",
    DATABASE_URL: Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString(),
    MINIO_BUCKET: bucket,
    JWKS_URL: `http://127.0.0.1:${(jwks.address() as { port: number }).port}/`,
    CONSUMER_GROUP: `bench-${randomUUID()}`,
    CONSUMER_FROM_BEGINNING: "false",
    DEFAULT_QUOTA_BYTES: String(100 * 2 ** 30),
    MAX_FILE_SIZE_BYTES: String(5 * 2 ** 30),
    MAX_VERSIONS: "1",
  },
  stdio: ["ignore", "inherit", "inherit"],
});
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i += 1) {
  if ((await fetch(`${base}/health/live`).catch(() => undefined))?.ok) break;
  if (i > 300) throw new Error("file-service did not start");
  await new Promise((r) => setTimeout(r, 100));
}
const rssOf = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${service.pid}/status`, "utf8"))![1]) * 1024;
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, rssOf())), 50);
const idle = rssOf();

const endpoint = new URL(process.env.MINIO_ENDPOINT!);
const minio = new Minio.Client({
  endPoint: endpoint.hostname,
  port: Number(endpoint.port),
  useSSL: false,
  accessKey: process.env.MINIO_ACCESS_KEY!,
  secretKey: process.env.MINIO_SECRET_KEY!,
  partSize: 8 * MiB,
});

async function multipartUpload(size: number): Promise<string> {
  const boundary = `----coffer${randomUUID()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const body = Readable.from(
    (async function* () {
      yield head;
      for await (const chunk of content(size)) yield chunk as Buffer;
      yield tail;
    })(),
  );
  const response = await fetch(`${base}/files`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": `multipart/form-data; boundary=${boundary}` },
    body: Readable.toWeb(body) as ReadableStream,
    duplex: "half",
  } as RequestInit);
  if (response.status !== 201) throw new Error(`upload answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

const timed = async (run: () => Promise<unknown>) => {
  const started = performance.now();
  await run();
  return (performance.now() - started) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

type Row = Record<string, string | number>;
const table: Record<string, Row> = {};
const results: Record<string, unknown>[] = [];
for (const size of SIZES) {
  const label = `${size / MiB} MiB`;
  const direct = { up: [] as number[], down: [] as number[] };
  const service_ = { up: [] as number[], down: [] as number[], range: [] as number[] };
  let fileId = "";
  for (let run = 0; run < RUNS; run += 1) {
    direct.up.push(size / MiB / (await timed(() => minio.putObject(bucket, `direct/${size}`, content(size)))));
    direct.down.push(
      size / MiB / (await timed(async () => pipeline(await minio.getObject(bucket, `direct/${size}`), sink()))),
    );
    service_.up.push(size / MiB / (await timed(async () => (fileId = await multipartUpload(size)))));
    service_.down.push(
      size /
        MiB /
        (await timed(async () => {
          const response = await fetch(`${base}/files/${fileId}/content`, {
            headers: { authorization: `Bearer ${token}` },
          });
          await pipeline(Readable.fromWeb(response.body as never), sink());
        })),
    );
    service_.range.push(
      size /
        2 /
        MiB /
        (await timed(async () => {
          const response = await fetch(`${base}/files/${fileId}/content`, {
            headers: { authorization: `Bearer ${token}`, range: `bytes=${size / 2}-` },
          });
          await pipeline(Readable.fromWeb(response.body as never), sink());
        })),
    );
  }
  const row = {
    size: label,
    uploadMiBps: +median(service_.up).toFixed(1),
    minioPutMiBps: +median(direct.up).toFixed(1),
    uploadRatio: +(median(service_.up) / median(direct.up)).toFixed(2),
    uploadRatioRange: `${(Math.min(...service_.up) / median(direct.up)).toFixed(2)}–${(Math.max(...service_.up) / median(direct.up)).toFixed(2)}`,
    downloadMiBps: +median(service_.down).toFixed(1),
    minioGetMiBps: +median(direct.down).toFixed(1),
    downloadRatio: +(median(service_.down) / median(direct.down)).toFixed(2),
    rangedDownloadRatio: +(median(service_.range) / median(direct.down)).toFixed(2),
  };
  table[label] = row;
  results.push(row);
}
clearInterval(sampler);

service.kill("SIGTERM");
await new Promise((resolve) => service.once("exit", resolve));
jwks.close();
const leftovers: string[] = [];
for await (const item of minio.listObjectsV2(bucket, "", true)) leftovers.push((item as { name: string }).name);
if (leftovers.length > 0) await minio.removeObjects(bucket, leftovers);
await minio.removeBucket(bucket);
await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
await admin.end();

const result = {
  benchmark: "file-service transfers vs the minio client direct (median of runs)",
  runs: RUNS,
  results,
  rss: {
    idleMiB: +(idle / MiB).toFixed(1),
    peakMiB: +(peak / MiB).toFixed(1),
    growthMiB: +((peak - idle) / MiB).toFixed(1),
  },
  machine: { cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  at: new Date().toISOString(),
};
console.log(`\n${result.benchmark}, ${RUNS} runs each`);
console.table(table);
console.log(
  `file-service RSS: idle ${result.rss.idleMiB} MiB, peak ${result.rss.peakMiB} MiB (+${result.rss.growthMiB} MiB)`,
);
const dir = new URL("results/", import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL(`${result.at.slice(0, 10)}-file-transfer.json`, dir), `${JSON.stringify(result, null, 2)}\n`);
