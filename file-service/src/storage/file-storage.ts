import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { DependencyCheck } from "@coffer/contracts/http";
import * as Minio from "minio";
import type { Config } from "../config.js";

/** The MinIO side: objects are keyed `<customerId>/<uuid>`, never by a user-supplied name. */
export type FileStorage = {
  put(key: string, content: Readable, contentType: string): Promise<void>;
  /**
   * Streams exactly `size` bytes as one PUT, nothing buffered; a body that fails or ends short
   * leaves no object. At most 5 GiB (S3's limit for one PUT).
   */
  putSized(key: string, content: Readable, size: number, contentType: string): Promise<void>;
  copy(fromKey: string, toKey: string): Promise<void>;
  get(key: string, range?: { start: number; end: number }): Promise<Readable>;
  /** A URL that reads the object from the store itself for `seconds`, answered with these headers. */
  downloadUrl(
    key: string,
    seconds: number,
    headers: { contentType: string; contentDisposition: string },
  ): Promise<string>;
  remove(keys: readonly string[]): Promise<void>;
  list(prefix: string): Promise<string[]>;
  /** Aborts the multipart uploads left incomplete under this key (an upload whose instance died). */
  abortIncomplete(key: string): Promise<void>;
  /** Every object under the prefix with its size and when it was written, as MinIO lists them. */
  scan(prefix: string): AsyncIterable<StoredObject>;
};

export type StoredObject = { key: string; size: number; lastModified: Date };

/** S3's largest object written by one PUT. */
export const MAX_SINGLE_PUT_BYTES = 5 * 2 ** 30;

/** How long a PUT's presigned URL is valid: it is used at once, by this process only. */
const PUT_URL_SECONDS = 15 * 60;

export function createFileStorage(
  client: Minio.Client,
  bucket: string,
  /** Signs the URLs clients follow (the store as they reach it). */
  publicClient: Minio.Client = client,
): FileStorage {
  const agents = {
    "http:": new http.Agent({ keepAlive: true }),
    "https:": new https.Agent({ keepAlive: true }),
  };
  return {
    async put(key, content, contentType) {
      // A stream of unknown length goes up as a multipart upload, and S3 refuses one of no parts:
      // an empty file is put as an empty buffer.
      const chunks = content[Symbol.asyncIterator]();
      const first = await chunks.next();
      const body = first.done
        ? Buffer.alloc(0)
        : Readable.from(
            (async function* () {
              yield first.value;
              for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
            })(),
            { objectMode: false },
          );
      // minio pipes a stream body without listening for its errors: a body that fails (a limit hit,
      // an idle or vanished client) must fail this put, not the process. minio's multipart upload
      // is then left incomplete: tus's expiry aborts every incomplete upload of the bucket.
      const failed =
        body instanceof Readable
          ? new Promise<never>((_, reject) => body.once("error", reject))
          : new Promise<never>(() => undefined);
      await Promise.race([client.putObject(bucket, key, body, undefined, { "Content-Type": contentType }), failed]);
    },
    async putSized(key, content, size, contentType) {
      // The minio client cuts a stream into 8 MiB parts, each held in memory and hashed twice
      // (MD5, and SHA-256 to sign it over plain HTTP). A presigned URL signs no payload, so the
      // body streams straight through; MinIO discards a PUT whose body ends before its length.
      const url = new URL(await client.presignedPutObject(bucket, key, PUT_URL_SECONDS));
      const transport = url.protocol === "https:" ? https : http;
      await new Promise<void>((resolve, reject) => {
        const put = transport.request(
          url,
          {
            method: "PUT",
            agent: agents[url.protocol as keyof typeof agents],
            headers: { "content-length": size, "content-type": contentType },
          },
          (res) => {
            const answer: Buffer[] = [];
            res.on("data", (chunk: Buffer) => answer.push(chunk));
            res.on("error", reject);
            res.on("end", () => {
              if (res.statusCode === 200) return resolve();
              const error = new Error(`storage answered ${res.statusCode}: ${Buffer.concat(answer).toString()}`);
              put.destroy();
              reject(error);
            });
          },
        );
        put.on("error", reject);
        pipeline(content, put).catch((error: unknown) => {
          put.destroy();
          reject(error as Error);
        });
      });
    },
    async copy(fromKey, toKey) {
      await client.copyObject(bucket, toKey, `/${bucket}/${fromKey}`, new Minio.CopyConditions());
    },
    get(key, range) {
      return range
        ? client.getPartialObject(bucket, key, range.start, range.end - range.start + 1)
        : client.getObject(bucket, key);
    },
    downloadUrl(key, seconds, headers) {
      return publicClient.presignedGetObject(bucket, key, seconds, {
        "response-content-type": headers.contentType,
        "response-content-disposition": headers.contentDisposition,
      });
    },
    async remove(keys) {
      if (keys.length > 0) await client.removeObjects(bucket, [...keys]);
    },
    async abortIncomplete(key) {
      await client.removeIncompleteUpload(bucket, key);
    },
    async list(prefix) {
      const keys: string[] = [];
      for await (const item of client.listObjectsV2(bucket, prefix, true)) {
        if ((item as { name?: string }).name) keys.push((item as { name: string }).name);
      }
      return keys;
    },
    async *scan(prefix) {
      for await (const item of client.listObjectsV2(bucket, prefix, true)) {
        const { name, size, lastModified } = item as { name?: string; size: number; lastModified: Date };
        if (name) yield { key: name, size, lastModified };
      }
    },
  };
}

/**
 * Connects to the bucket, creating it on first start with a rule that aborts the multipart
 * uploads nobody finished: the storage, and the check of its readiness.
 */
export async function connectFileStorage(
  settings: Config["minio"],
  logger: { warn(obj: object, msg: string): void },
): Promise<{ storage: FileStorage; check: DependencyCheck }> {
  const { bucket, region, multipartAbortDays, publicEndpoint, ...options } = settings;
  // 8 MiB parts: an upload of unknown length holds one part in memory, whatever its size.
  const client = new Minio.Client({ ...options, region, partSize: 8 * 2 ** 20 });
  // With its region given, the client signs without asking the store anything.
  const publicClient = new Minio.Client({ ...options, ...publicEndpoint, region });
  if (!(await client.bucketExists(bucket))) {
    await client.makeBucket(bucket, region).catch((err: unknown) => {
      // Another instance starting at the same moment made it first.
      if ((err as { code?: string }).code !== "BucketAlreadyOwnedByYou") throw err;
    });
    const rule = {
      ID: "abort-incomplete-multipart-uploads",
      Status: "Enabled",
      Filter: { Prefix: "" },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: multipartAbortDays },
    };
    // MinIO has no such rule (it refuses it): its own stale-upload expiry (`api stale_uploads_expiry`,
    // 24 h by default) aborts them instead.
    await client.setBucketLifecycle(bucket, { Rule: [rule] }).catch((err: unknown) => {
      logger.warn({ err, bucket }, "the store refused the rule aborting incomplete multipart uploads");
    });
  }
  return {
    storage: createFileStorage(client, bucket, publicClient),
    check: {
      name: "minio",
      async check() {
        if (!(await client.bucketExists(bucket))) throw new Error(`bucket ${bucket} is missing`);
      },
    },
  };
}
