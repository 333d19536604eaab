import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { startSha256 } from "../src/uploads/sha256-state.js";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Hashes `content` in requests cut at `cuts`, each continuing the state the one before saved. */
function hashAcrossRequests(content: Buffer, cuts: number[]): string {
  let saved: Uint8Array | undefined;
  const bounds = [0, ...cuts, content.length];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const [from, to] = [bounds[i]!, bounds[i + 1]!];
    const running = startSha256(saved)!;
    // Fed as a socket delivers it: pieces of 64 KiB.
    for (let at = from; at < to; at += 65_536) running.update(content.subarray(at, Math.min(at + 65_536, to)));
    saved = running.save();
  }
  return startSha256(saved)!.hex();
}

describe("the running SHA-256", () => {
  it("when an upload's chunks are hashed one request after another, each continuing the saved state, then the digest is the whole content's", () => {
    const content = randomBytes(5 * 2 ** 20 + 123);
    expect(hashAcrossRequests(content, [3 * 2 ** 20 + 7])).toBe(sha256(content));
  });

  it("when the requests end anywhere in a 64-byte block, or on its edge, then the digest is still the content's", () => {
    const content = randomBytes(4096 + 77);
    for (const cut of [1, 55, 56, 63, 64, 65, 119, 128, 4095, 4096]) {
      expect(hashAcrossRequests(content, [cut]), `cut at ${cut}`).toBe(sha256(content));
    }
    expect(hashAcrossRequests(content, [1, 2, 3, 64, 640, 641])).toBe(sha256(content));
    expect(startSha256()!.hex()).toBe(sha256(Buffer.alloc(0)));
  });

  it("when a state is saved, then it is the chaining value and the length, so any instance on any build reads it", () => {
    const running = startSha256()!;
    running.update(Buffer.from("abc"));
    const saved = Buffer.from(running.save());
    // Version 1, SHA-256's initial words (no block finished yet), 24 bits, then the unfinished block.
    expect(saved.subarray(0, 5).toString("hex")).toBe("016a09e667");
    expect(saved.readBigUInt64BE(33)).toBe(24n);
    expect(saved.subarray(41).toString()).toBe("abc");
    expect(running.hex()).toBe(sha256(Buffer.from("abc")));
    // Saving and digesting leave the hash running.
    running.update(Buffer.from("def"));
    expect(running.hex()).toBe(sha256(Buffer.from("abcdef")));
  });

  it("when two uploads are hashed at once, then neither's bytes reach the other's hash", () => {
    const [a, b] = [randomBytes(2 ** 20), randomBytes(2 ** 20)];
    const [ra, rb] = [startSha256()!, startSha256()!];
    for (let at = 0; at < a.length; at += 65_536) {
      ra.update(a.subarray(at, at + 65_536));
      rb.update(b.subarray(at, at + 65_536));
    }
    expect([ra.hex(), rb.hex()]).toEqual([sha256(a), sha256(b)]);
  });

  it("when a kept state is not one this reads (another format, cut short, a length that does not match its bytes), then it is refused, so the store drops it and the completion reads the object back", () => {
    const running = startSha256()!;
    running.update(randomBytes(100));
    const saved = Buffer.from(running.save());
    const wrongVersion = Buffer.from(saved);
    wrongVersion[0] = 2;
    const wrongLength = Buffer.from(saved);
    wrongLength.writeBigUInt64BE(99n * 8n, 33);
    const oddBits = Buffer.from(saved);
    oddBits.writeBigUInt64BE(100n * 8n + 1n, 33);
    // hash-wasm's own format, kept by instances before this one.
    const hashWasm = Buffer.concat([Buffer.from("5b0c9b38", "hex"), randomBytes(112)]);
    for (const state of [
      wrongVersion,
      wrongLength,
      oddBits,
      saved.subarray(0, 40),
      Buffer.concat([saved, randomBytes(64)]),
      hashWasm,
      new Uint8Array(),
    ]) {
      expect(startSha256(state)).toBeUndefined();
    }
    expect(startSha256(saved)).toBeDefined();
  });

  it("when the addon is handed something other than bytes, then it throws a TypeError, not a crash", async () => {
    const { createRequire } = await import("node:module");
    type Call = (...args: unknown[]) => unknown;
    const addon = createRequire(import.meta.url)("../native/build/sha256_state.node") as Record<
      "start" | "update" | "save" | "digest",
      Call
    >;
    expect(() => addon.update(Buffer.alloc(3), Buffer.alloc(1))).toThrow(TypeError);
    expect(() => addon.update("not a context", "x")).toThrow(TypeError);
    expect(() => addon.save(undefined)).toThrow(TypeError);
    expect(() => addon.digest({})).toThrow(TypeError);
    expect(addon.start("not bytes")).toBeNull();
  });
});
