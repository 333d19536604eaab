// Uploads and downloads through file-service (and through the development gateway, and tus),
// each paired with the minio client moving the same bytes to or from MinIO directly, run
// after run (A B A B …) so whatever else the machine does hits both; file-service's tus upload
// also against tusd's (the tus reference server, on the same MinIO); file-service's downloads
// also against a bare Node proxy of MinIO (the second hop with nothing of ours). Also
// file-service's RSS, sampled from /proc while it moves the largest file, against its idle RSS.
import { randomUUID } from "node:crypto";
import { request, type IncomingMessage } from "node:http";
import { readFileSync } from "node:fs";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { BenchPlatform } from "./lib/platform.js";
import { cpuDuring, infraPid, type CpuSpent } from "./lib/cpu-meter.js";
import { startPeer } from "./lib/peer.js";
import type { TusdPeer } from "./lib/tusd.js";
import { MiB, median, round, type BenchResult, type Row } from "./lib/report.js";

export type FileTransferOptions = {
  sizesMiB: number[];
  /** Runs for a size: more for small files, whose timings are noisier. */
  runsFor: (sizeMiB: number) => number;
  tusChunkMiB: number;
  /** The peer for the largest size's tus upload. */
  startTusd: (partSize: number) => Promise<TusdPeer>;
};

const block = Buffer.alloc(MiB);
for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, i);

/** `size` bytes generated as they are read, from one random 1 MiB block: no file, no big buffer. */
function content(size: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      const n = Math.min(MiB, size - sent);
      sent += n;
      this.push(n === MiB ? block : block.subarray(0, n));
    },
  });
}

const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });

/** One HTTP exchange with node:http (the minio client's own stack), the body streamed both ways. */
function exchange(
  url: string,
  options: { method: string; headers: Record<string, string | number>; body?: Readable },
): Promise<{ status: number; headers: IncomingMessage["headers"]; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      // Keep small answers (JSON); count and drop big ones (content).
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes < 64 * 1024) chunks.push(chunk);
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    if (options.body) options.body.pipe(req);
    else req.end();
  });
}

function multipartUpload(baseUrl: string, token: string, name: string, size: number) {
  const boundary = `----coffer${randomUUID()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const body = Readable.from(
    (async function* () {
      yield head;
      for await (const chunk of content(size)) yield chunk as Buffer;
      yield tail;
    })(),
  );
  return exchange(`${baseUrl}/files`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": `multipart/form-data; boundary=${boundary}`,
      "content-length": head.length + size + tail.length,
      // A client knows its file's size (a browser's File.size): the upload then streams unbuffered.
      "x-file-size": size,
    },
    body,
  }).then((r) => {
    if (r.status !== 201) throw new Error(`upload answered ${r.status}: ${r.body}`);
    return (JSON.parse(r.body) as { id: string }).id;
  });
}

/** PATCH chunk after chunk of `size` bytes; the last answer's headers. */
async function tusChunks(location: string, headers: Record<string, string>, size: number, chunk: number) {
  let last: IncomingMessage["headers"] = {};
  for (let offset = 0; offset < size; offset += chunk) {
    const n = Math.min(chunk, size - offset);
    const patched = await exchange(location, {
      method: "PATCH",
      headers: {
        ...headers,
        "upload-offset": offset,
        "content-type": "application/offset+octet-stream",
        "content-length": n,
      },
      body: content(n),
    });
    if (patched.status !== 204) throw new Error(`tus PATCH answered ${patched.status}: ${patched.body}`);
    last = patched.headers;
  }
  return last;
}

async function tusCreate(endpoint: string, headers: Record<string, string>, name: string, size: number) {
  const created = await exchange(endpoint, {
    method: "POST",
    headers: {
      ...headers,
      "upload-length": size,
      "upload-metadata": `filename ${Buffer.from(name).toString("base64")}`,
    },
  });
  if (created.status !== 201) throw new Error(`tus creation answered ${created.status}: ${created.body}`);
  return new URL(created.headers.location!, endpoint).toString();
}

/** tus creation, then PATCH chunk after chunk, then the status until the file is recorded. */
async function tusUpload(baseUrl: string, token: string, name: string, size: number, chunk: number) {
  const auth = { authorization: `Bearer ${token}`, "tus-resumable": "1.0.0" };
  const location = await tusCreate(`${baseUrl}/files/uploads`, auth, name, size);
  const status = (await tusChunks(location, auth, size, chunk))["coffer-upload-status"] as string;
  // The last chunk queues the completion (recording the version): wait for it.
  for (;;) {
    const answer = await exchange(new URL(status, baseUrl).toString(), { method: "GET", headers: auth });
    const state = (JSON.parse(answer.body) as { state: string }).state;
    if (state === "done") return;
    if (state === "failed") throw new Error(`tus upload failed: ${answer.body}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The same upload to tusd: complete when its last PATCH is answered (tusd has then completed the S3 upload). */
async function tusdUpload(tusdUrl: string, name: string, size: number, chunk: number) {
  const headers = { "tus-resumable": "1.0.0" };
  await tusChunks(await tusCreate(`${tusdUrl}/files/`, headers, name, size), headers, size, chunk);
}

async function download(url: string, token: string, range?: [number, number]) {
  const answer = await exchange(url, {
    method: "GET",
    headers: { authorization: `Bearer ${token}`, ...(range && { range: `bytes=${range[0]}-${range[1]}` }) },
  });
  if (answer.status !== (range ? 206 : 200)) throw new Error(`download answered ${answer.status}`);
}

/** bench/lib/bare-proxy.mjs in a process of its own, as file-service is, over the run's bucket. */
const startBareProxy = (bucket: string) =>
  startPeer(new URL("./lib/bare-proxy.mjs", import.meta.url), { BUCKET: bucket });

function createRssSampler(pid: number) {
  const status = () => readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status())![1]) * 1024;
  let peak = 0;
  let timer: NodeJS.Timeout | undefined;
  return {
    rss: () => kib("VmRSS"),
    hwm: () => kib("VmHWM"),
    /** Samples every 50 ms while `work` runs; the peak stays over every call. */
    async during<T>(work: () => Promise<T>): Promise<T> {
      timer = setInterval(() => (peak = Math.max(peak, kib("VmRSS"))), 50);
      try {
        return await work();
      } finally {
        clearInterval(timer);
        peak = Math.max(peak, kib("VmRSS"));
      }
    },
    peak: () => peak,
  };
}

/** CPU seconds per GiB of each process, medians over the runs, and the machine's busy share. */
function cpuFigures(spent: (CpuSpent & { gib: number })[]): string {
  if (spent.length === 0) return "not measured";
  const perGib = (name: string) => round(median(spent.map((s) => (s.seconds[name] ?? 0) / s.gib)), 2);
  const names = Object.keys(spent[0]!.seconds);
  const busy = round(median(spent.map((s) => s.machineBusy)) * 100, 0);
  return `${names.map((name) => `${name} ${perGib(name)} s`).join(", ")}, machine ${busy} % busy`;
}

const seconds = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
};

export async function runFileTransfer(platform: BenchPlatform, options: FileTransferOptions): Promise<BenchResult> {
  const { token } = await platform.login();
  const sampler = createRssSampler(platform.pids["file-service"]!);
  // Idle: started, connected, one small request served, nothing moving.
  await multipartUpload(platform.fileUrl, token, "warm-up.bin", 1024);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const idleRss = sampler.rss();
  const largest = Math.max(...options.sizesMiB);
  // file-service's tus store writes 8 MiB parts; tusd gets the same.
  const tusd = await options.startTusd(8 * MiB);
  const bareProxy = await startBareProxy(platform.bucket);
  try {
    return await measureTransfers(platform, options, { token, sampler, idleRss, largest, tusd, bareProxy });
  } finally {
    await bareProxy.stop();
    await tusd.stop();
  }
}

async function measureTransfers(
  platform: BenchPlatform,
  options: FileTransferOptions,
  {
    token,
    sampler,
    idleRss,
    largest,
    tusd,
    bareProxy,
  }: {
    token: string;
    sampler: ReturnType<typeof createRssSampler>;
    idleRss: number;
    largest: number;
    tusd: TusdPeer;
    bareProxy: { url: string };
  },
): Promise<BenchResult> {
  const { minio, bucket } = platform;

  type Runs = Record<string, number[]>; // MiB/s, one per run
  const raw: Record<string, Runs> = {};
  const rows: Row[] = [];
  const minioPid = infraPid("minio");
  const cpu: Record<string, (CpuSpent & { gib: number })[]> = {};
  for (const sizeMiB of options.sizesMiB) {
    const size = sizeMiB * MiB;
    const runs: Runs = {
      minioPut: [],
      serviceUpload: [],
      gatewayUpload: [],
      tusUpload: [],
      tusdUpload: [],
      minioGet: [],
      serviceDownload: [],
      bareDownload: [],
      minioGetRange: [],
      serviceDownloadRange: [],
      bareDownloadRange: [],
    };
    const measure = async (name: string, bytes: number, work: () => Promise<unknown>) => {
      const watched = sizeMiB === largest && name.startsWith("service") ? () => sampler.during(work) : work;
      const server = { tusUpload: platform.pids["file-service"], tusdUpload: tusd.pid }[name];
      if (server === undefined) {
        runs[name]!.push(bytes / MiB / (await seconds(watched)));
        return;
      }
      // The resumable uploads also count the CPU they cost: the server's, MinIO's, the client's.
      let took = 0;
      const spent = await cpuDuring({ server, ...(minioPid !== undefined && { minio: minioPid }) }, async () => {
        took = await seconds(watched);
      });
      runs[name]!.push(bytes / MiB / took);
      (cpu[name] ??= []).push({ ...spent, gib: bytes / 2 ** 30 });
    };
    const directKey = `direct/${randomUUID()}`;
    const fileName = `bench-${sizeMiB}.bin`;
    let fileId = "";
    const range: [number, number] = [size / 4, (size * 3) / 4 - 1];
    for (let run = 0; run < options.runsFor(sizeMiB); run += 1) {
      await measure("minioPut", size, () => minio.putObject(bucket, directKey, content(size)));
      await measure("serviceUpload", size, async () => {
        fileId = await multipartUpload(platform.fileUrl, token, fileName, size);
      });
      await measure("minioPut", size, () => minio.putObject(bucket, directKey, content(size)));
      await measure("gatewayUpload", size, () => multipartUpload(platform.gatewayUrl, token, fileName, size));
      if (sizeMiB === largest) {
        await measure("minioPut", size, () => minio.putObject(bucket, directKey, content(size)));
        await measure("tusUpload", size, () =>
          tusUpload(platform.fileUrl, token, fileName, size, options.tusChunkMiB * MiB),
        );
        await measure("tusdUpload", size, () => tusdUpload(tusd.url, fileName, size, options.tusChunkMiB * MiB));
      }
      // The gateway's and tus's uploads made newer versions of the same file: download the newest.
      const current = `${platform.fileUrl}/files/${fileId}/content`;
      await measure("minioGet", size, async () => pipeline(await minio.getObject(bucket, directKey), sink()));
      await measure("serviceDownload", size, () => download(current, token));
      await measure("bareDownload", size, () => download(`${bareProxy.url}/${directKey}`, token));
      const rangeBytes = range[1] - range[0] + 1;
      await measure("minioGetRange", rangeBytes, async () =>
        pipeline(await minio.getPartialObject(bucket, directKey, range[0], rangeBytes), sink()),
      );
      await measure("serviceDownloadRange", rangeBytes, () => download(current, token, range));
      await measure("bareDownloadRange", rangeBytes, () => download(`${bareProxy.url}/${directKey}`, token, range));
    }
    await minio.removeObject(bucket, directKey);
    raw[`${sizeMiB} MiB`] = runs;

    const label = sizeMiB >= 1024 ? `${sizeMiB / 1024} GiB` : `${sizeMiB} MiB`;
    // The baseline runs come in the same order as the subject runs they pair with.
    const pairs = (subject: string, baseline: string, every = 1, offset = 0) =>
      runs[subject]!.map((x, i) => x / runs[baseline]![i * every + offset]!);
    const uploadsPerRun = sizeMiB === largest ? 3 : 2;
    const figures = (subject: string, baseline: string) =>
      `${round(median(runs[subject]!), 0)} vs ${round(median(runs[baseline]!), 0)} MiB/s`;
    rows.push(
      {
        what: `upload ${label}, multipart, file-service`,
        baseline: "minio putObject",
        ratios: pairs("serviceUpload", "minioPut", uploadsPerRun, 0),
        target: { kind: "ratio-at-least", value: 0.85 },
        context: figures("serviceUpload", "minioPut"),
      },
      {
        what: `upload ${label}, multipart, through the gateway`,
        baseline: "minio putObject",
        ratios: pairs("gatewayUpload", "minioPut", uploadsPerRun, 1),
        target: { kind: "ratio-at-least", value: 0.8 },
        context: figures("gatewayUpload", "minioPut"),
      },
    );
    if (sizeMiB === largest) {
      rows.push(
        {
          what: `tus upload ${label} in ${options.tusChunkMiB} MiB chunks, until recorded`,
          baseline: "minio putObject",
          ratios: pairs("tusUpload", "minioPut", uploadsPerRun, 2),
          target: { kind: "ratio-at-least", value: 0.8 },
          context: figures("tusUpload", "minioPut"),
        },
        {
          what: `tus upload ${label} in ${options.tusChunkMiB} MiB chunks, until recorded, against tusd v2 (S3 store, same MinIO) until complete`,
          baseline: "tusd v2.9.1",
          ratios: pairs("tusUpload", "tusdUpload"),
          target: { kind: "ratio-at-least", value: 0.9 },
          context: figures("tusUpload", "tusdUpload"),
        },
        {
          what: `CPU seconds per GiB of those tus uploads (median): Coffer's against tusd's, and how busy the machine was`,
          baseline: "—",
          ratios: [],
          context: (["tusUpload", "tusdUpload"] as const)
            .map((name) => `${name === "tusUpload" ? "Coffer" : "tusd"} ${cpuFigures(cpu[name] ?? [])}`)
            .join("; "),
        },
      );
    }
    rows.push(
      {
        what: `download ${label}, full`,
        baseline: "minio getObject",
        ratios: pairs("serviceDownload", "minioGet"),
        target: { kind: "ratio-at-least", value: 0.9 },
        context: figures("serviceDownload", "minioGet"),
      },
      {
        what: `download ${label}, ranged (middle half)`,
        baseline: "minio getPartialObject",
        ratios: pairs("serviceDownloadRange", "minioGetRange"),
        target: { kind: "ratio-at-least", value: 0.9 },
        context: figures("serviceDownloadRange", "minioGetRange"),
      },
      {
        what: `download ${label}, full, against a bare Node proxy of MinIO (the second hop alone)`,
        baseline: "bare proxy",
        ratios: pairs("serviceDownload", "bareDownload"),
        target: { kind: "ratio-at-least", value: 0.9 },
        context: figures("serviceDownload", "bareDownload"),
      },
      {
        what: `download ${label}, ranged, against a bare Node proxy of MinIO`,
        baseline: "bare proxy",
        ratios: pairs("serviceDownloadRange", "bareDownloadRange"),
        target: { kind: "ratio-at-least", value: 0.9 },
        context: figures("serviceDownloadRange", "bareDownloadRange"),
      },
      {
        what: `download ${label}, full, through the bare proxy: what the second hop costs here`,
        baseline: "minio getObject",
        ratios: pairs("bareDownload", "minioGet"),
        context: figures("bareDownload", "minioGet"),
      },
    );
  }
  const growthMiB = (sampler.peak() - idleRss) / MiB;
  const largestLabel = largest >= 1024 ? `${largest / 1024} GiB` : `${largest} MiB`;
  rows.push({
    what: `file-service peak RSS during the ${largestLabel} uploads and downloads`,
    baseline: "its idle RSS",
    ratios: [],
    target: { kind: "at-most", value: 100, unit: "MiB growth" },
    measured: growthMiB,
    context: `idle ${round(idleRss / MiB, 0)} MiB, peak ${round(sampler.peak() / MiB, 0)} MiB (+${round(growthMiB, 0)} MiB), VmHWM ${round(sampler.hwm() / MiB, 0)} MiB`,
  });
  return {
    rows,
    raw: {
      mibPerSecond: raw,
      cpu,
      rss: { idleMiB: idleRss / MiB, peakMiB: sampler.peak() / MiB, hwmMiB: sampler.hwm() / MiB },
    },
  };
}
