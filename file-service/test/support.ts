import { randomUUID } from "node:crypto";
import { request as httpRequest, type ClientRequest } from "node:http";
import * as Minio from "minio";
import { expect } from "vitest";
import { loadConfig, type Config } from "../src/config.js";

export { createEventTap, createTestDatabase, createTokenIssuer } from "@coffer/contracts/testing";

export const tusHeaders = (token: string) => ({ authorization: `Bearer ${token}`, "tus-resumable": "1.0.0" });

/** A tus PATCH of `chunk` at `offset`, sent whole. */
export function sendTusChunk(url: string, token: string, offset: number, chunk: Buffer) {
  return fetch(url, {
    method: "PATCH",
    headers: {
      ...tusHeaders(token),
      "upload-offset": String(offset),
      "content-type": "application/offset+octet-stream",
    },
    body: chunk,
  });
}

/** The upload's offset as tus answers HEAD: where to resume. */
export async function tusOffset(url: string, token: string): Promise<number> {
  const head = await fetch(url, { method: "HEAD", headers: tusHeaders(token) });
  expect(head.status).toBe(200);
  return Number(head.headers.get("upload-offset"));
}

/**
 * A tus PATCH of a chunk of `length` bytes at `offset`, its body not sent yet: over node:http, so
 * a test can send part of it and then cut or stall the connection.
 */
export function tusPatchRequest(url: string, token: string, offset: number, length: number): ClientRequest {
  const { hostname, port, pathname } = new URL(url);
  return httpRequest({
    host: hostname,
    port,
    path: pathname,
    method: "PATCH",
    headers: {
      ...tusHeaders(token),
      "upload-offset": String(offset),
      "content-type": "application/offset+octet-stream",
      "content-length": String(length),
    },
  });
}

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
