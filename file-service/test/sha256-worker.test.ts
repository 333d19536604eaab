import { createHash, randomBytes } from "node:crypto";
import { createSHA256 } from "hash-wasm";
import { afterEach, describe, expect, it } from "vitest";
import { createSha256Worker, type Sha256Worker } from "../src/uploads/sha256-worker.js";

let worker: Sha256Worker | undefined;
afterEach(async () => {
  await worker?.close();
  worker = undefined;
});

const digestOf = async (state: Uint8Array) => {
  const hasher = await createSHA256();
  hasher.load(state);
  return hasher.digest("hex");
};

describe("the SHA-256 worker", () => {
  it("when an upload's chunks are hashed one request after another, each continuing the saved state, then the digest is the whole content's", async () => {
    worker = createSha256Worker();
    const content = randomBytes(5 * 2 ** 20 + 123);
    const chunks = [content.subarray(0, 3 * 2 ** 20 + 7), content.subarray(3 * 2 ** 20 + 7)];
    let state: Uint8Array | undefined;
    for (const chunk of chunks) {
      const running = worker.start(state);
      // Fed as a socket delivers it: pieces of 64 KiB.
      for (let at = 0; at < chunk.length; at += 65_536) running.update(chunk.subarray(at, at + 65_536));
      state = await running.save();
    }

    expect(await digestOf(state!)).toBe(createHash("sha256").update(content).digest("hex"));
  });

  it("when two uploads are hashed at once, then neither's bytes reach the other's hash", async () => {
    worker = createSha256Worker();
    const [a, b] = [randomBytes(2 ** 21), randomBytes(2 ** 21)];
    const [ra, rb] = [worker.start(undefined), worker.start(undefined)];
    for (let at = 0; at < a.length; at += 65_536) {
      ra.update(a.subarray(at, at + 65_536));
      rb.update(b.subarray(at, at + 65_536));
    }
    const [sa, sb] = await Promise.all([ra.save(), rb.save()]);

    expect(await digestOf(sa)).toBe(createHash("sha256").update(a).digest("hex"));
    expect(await digestOf(sb)).toBe(createHash("sha256").update(b).digest("hex"));
  });

  it("when the worker has stopped, then saving refuses, so the store drops the state and the completion reads the object back", async () => {
    worker = createSha256Worker();
    const running = worker.start(undefined);
    running.update(randomBytes(1024));
    await worker.close();

    await expect(running.save()).rejects.toThrow(/stopped/);
  });
});
