// tusd v2, the tus reference server, as the benchmark's peer for resumable uploads: built once
// into the cache (bench/install-tusd), started with its S3 store on the same MinIO, in a bucket
// of its own, with the part size file-service's tus store uses.
import { execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { freePort } from "@coffer/contracts/testing";
import { createMinioClient } from "./platform.js";

export type TusdPeer = { url: string; pid: number; stop(): Promise<void> };

export async function startTusd(env: Record<string, string>, partSize: number): Promise<TusdPeer> {
  const binary = execFileSync(fileURLToPath(new URL("../install-tusd", import.meta.url)), {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  const minio = createMinioClient(env);
  const bucket = `bench-tusd-${randomUUID().slice(0, 8)}`;
  await minio.makeBucket(bucket);
  const port = Number(env.BENCH_TUSD_PORT ?? 0) || (await freePort());
  const tusd = spawn(
    binary,
    [
      "-host=127.0.0.1",
      `-port=${port}`,
      "-base-path=/files/",
      `-s3-bucket=${bucket}`,
      `-s3-endpoint=${env.MINIO_ENDPOINT}`,
      `-s3-part-size=${partSize}`,
      "-disable-download",
      "-verbose=false",
    ],
    {
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: env.MINIO_ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY: env.MINIO_SECRET_KEY,
        AWS_REGION: "us-east-1",
      },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let errors = "";
  tusd.stderr!.on("data", (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (tusd.exitCode !== null) throw new Error(`tusd exited ${tusd.exitCode}: ${errors}`);
    const ready = await fetch(`${url}/files/`, { method: "OPTIONS" }).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`tusd did not start: ${errors}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    pid: tusd.pid!,
    async stop() {
      if (tusd.exitCode === null) {
        const exited = new Promise((resolve) => tusd.once("exit", resolve));
        tusd.kill("SIGTERM");
        await exited;
      }
      const names: string[] = [];
      for await (const item of minio.listObjectsV2(bucket, "", true)) if (item.name) names.push(item.name);
      for (let i = 0; i < names.length; i += 1000) await minio.removeObjects(bucket, names.slice(i, i + 1000));
      for await (const upload of minio.listIncompleteUploads(bucket, "", true)) {
        await minio.removeIncompleteUpload(bucket, upload.key);
      }
      await minio.removeBucket(bucket);
    },
  };
}
