import { randomUUID } from "node:crypto";
import * as Minio from "minio";
import { loadConfig, type Config } from "../src/config.js";

export { createEventTap, createTestDatabase, createTokenIssuer } from "@coffer/contracts/testing";

export function testConfig(overrides: Record<string, string>): Config {
  return loadConfig({
    ...process.env,
    PORT: "0",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    MINIO_BUCKET: `test-${randomUUID()}`,
    CONSUMER_GROUP: `file-test-${randomUUID()}`,
    CONSUMER_FROM_BEGINNING: "false",
    ...overrides,
  });
}

export function minioOf(config: Config) {
  const { bucket, endPoint, port, useSSL, accessKey, secretKey, region, pathStyle } = config.minio;
  const client = new Minio.Client({ endPoint, port, useSSL, accessKey, secretKey, region, pathStyle });
  return {
    client,
    async keys(prefix: string): Promise<string[]> {
      const keys: string[] = [];
      for await (const item of client.listObjectsV2(bucket, prefix, true)) keys.push((item as { name: string }).name);
      return keys;
    },
    async removeBucket() {
      const all: string[] = [];
      for await (const item of client.listObjectsV2(bucket, "", true)) all.push((item as { name: string }).name);
      if (all.length > 0) await client.removeObjects(bucket, all);
      await client.removeBucket(bucket).catch(() => undefined);
    },
  };
}
