import { randomUUID } from "node:crypto";
import { spawnMain } from "@coffer/contracts/testing";
import { afterAll, describe, expect, it } from "vitest";
import { minioOf, testConfig } from "./support.js";

// What the Helm chart's pre-install hook job runs (deploy/helm/coffer/templates/jobs.yaml).
const bucketCommand = new URL("../src/bucket.ts", import.meta.url);
const BUCKET = `test-${randomUUID()}`;
// The command reads the service's whole configuration (the chart gives it the service's ConfigMap
// and Secret) but reaches only the object store.
const env = {
  ...process.env,
  DATABASE_URL: "postgres://unused/none",
  JWKS_URL: "http://127.0.0.1:1/.well-known/jwks.json",
  MINIO_BUCKET: BUCKET,
};
const minio = minioOf(testConfig(env as Record<string, string>));
afterAll(() => minio.removeBucket());

async function runBucket(env: NodeJS.ProcessEnv) {
  const run = spawnMain(bucketCommand, env);
  const [code] = await run.exited;
  return { code, ...run.output };
}

describe("file-service: the bucket command", () => {
  it("when the bucket does not exist, then it is made; when it does, the command succeeds again", async () => {
    expect(await minio.client.bucketExists(BUCKET)).toBe(false);
    const first = await runBucket(env);
    expect(first).toMatchObject({ code: 0, stdout: `file-service: bucket ${BUCKET} is ready\n` });
    expect(await minio.client.bucketExists(BUCKET)).toBe(true);
    expect(await runBucket(env)).toMatchObject({ code: 0 });
  });

  it("when the configuration is incomplete, then it exits 1 naming the keys", async () => {
    const run = await runBucket({ PATH: process.env.PATH, MINIO_BUCKET: BUCKET });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("file-service bucket:");
    expect(run.stderr).toContain("MINIO_ENDPOINT");
  });
});
