import { describe, expect, it } from "vitest";
import { connectFileStorage } from "../src/storage/file-storage.js";
import { minioOf, testConfig } from "./support.js";

describe("the bucket", () => {
  it("when four instances start at once on a bucket nobody made yet, then every one connects", async () => {
    const config = testConfig({ DATABASE_URL: "postgres://unused@127.0.0.1/unused", REDIS_URL: "redis://127.0.0.1:1" });
    const minio = minioOf(config);
    try {
      const started = await Promise.allSettled(
        Array.from({ length: 4 }, () => connectFileStorage(config.minio, { warn: () => undefined })),
      );
      expect(started.map((s) => (s.status === "rejected" ? String(s.reason) : s.status))).toEqual(
        Array(4).fill("fulfilled"),
      );
      expect(await minio.client.bucketExists(config.minio.bucket)).toBe(true);
    } finally {
      await minio.removeBucket();
    }
  });
});
