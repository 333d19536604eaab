import type { Readable } from "node:stream";
import * as Minio from "minio";

/** The MinIO side: objects are keyed `<customerId>/<uuid>`, never by a user-supplied name. */
export type FileStorage = {
  put(key: string, content: Readable, contentType: string): Promise<void>;
  copy(fromKey: string, toKey: string): Promise<void>;
  get(key: string, range?: { start: number; end: number }): Promise<Readable>;
  remove(keys: readonly string[]): Promise<void>;
  list(prefix: string): Promise<string[]>;
};

export function createFileStorage(client: Minio.Client, bucket: string): FileStorage {
  return {
    async put(key, content, contentType) {
      await client.putObject(bucket, key, content, undefined, { "Content-Type": contentType });
    },
    async copy(fromKey, toKey) {
      await client.copyObject(bucket, toKey, `/${bucket}/${fromKey}`, new Minio.CopyConditions());
    },
    get(key, range) {
      return range
        ? client.getPartialObject(bucket, key, range.start, range.end - range.start + 1)
        : client.getObject(bucket, key);
    },
    async remove(keys) {
      if (keys.length > 0) await client.removeObjects(bucket, [...keys]);
    },
    async list(prefix) {
      const keys: string[] = [];
      for await (const item of client.listObjectsV2(bucket, prefix, true)) {
        if ((item as { name?: string }).name) keys.push((item as { name: string }).name);
      }
      return keys;
    },
  };
}
