import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createFieldCipher, parseFieldKeys } from "../src/index.js";

const keySpec = (id: string) => `${id}:${randomBytes(32).toString("base64")}`;

describe("field encryption", () => {
  it("when a value is sealed, then only the same context opens it, and the ciphertext reveals nothing of it", () => {
    const cipher = createFieldCipher(parseFieldKeys(keySpec("k1")));
    const sealed = cipher.encrypt("reset-token-123", "customer.password-reset-requested.v1:c1");
    expect(sealed).toMatch(/^enc1\.k1\./);
    expect(sealed).not.toContain("reset-token-123");
    expect(cipher.encrypt("reset-token-123", "ctx")).not.toBe(cipher.encrypt("reset-token-123", "ctx")); // fresh IV
    expect(cipher.decrypt(sealed, "customer.password-reset-requested.v1:c1")).toBe("reset-token-123");
    expect(() => cipher.decrypt(sealed, "customer.password-reset-requested.v1:c2")).toThrow();
  });

  it("when a sealed value is tampered with, then it does not open", () => {
    const cipher = createFieldCipher(parseFieldKeys(keySpec("k1")));
    const sealed = cipher.encrypt("token", "ctx");
    const parts = sealed.split(".");
    parts[3] = Buffer.from("forged").toString("base64url");
    expect(() => cipher.decrypt(parts.join("."), "ctx")).toThrow();
    expect(() => cipher.decrypt("plain-token", "ctx")).toThrow("not a value this service can decrypt");
  });

  it("when a sealed value's tag is truncated (a shorter GCM tag is far easier to forge), then it does not open", () => {
    const cipher = createFieldCipher(parseFieldKeys(keySpec("k1")));
    const parts = cipher.encrypt("token", "ctx").split(".");
    const tag = Buffer.from(parts[4]!, "base64url");
    expect(tag).toHaveLength(16);
    for (const length of [4, 8, 12, 15]) {
      const truncated = [...parts.slice(0, 4), tag.subarray(0, length).toString("base64url")].join(".");
      expect(() => cipher.decrypt(truncated, "ctx")).toThrow("not a value this service can decrypt");
    }
    const longer = [...parts.slice(0, 4), Buffer.concat([tag, Buffer.from([0])]).toString("base64url")].join(".");
    expect(() => cipher.decrypt(longer, "ctx")).toThrow("not a value this service can decrypt");
  });

  it("when keys rotate, then values sealed with the previous key still open and new ones use the new key", () => {
    const previous = keySpec("k1");
    const before = createFieldCipher(parseFieldKeys(previous)).encrypt("token", "ctx");
    const after = createFieldCipher(parseFieldKeys(`${keySpec("k2")},${previous}`));
    expect(after.decrypt(before, "ctx")).toBe("token");
    expect(after.encrypt("token", "ctx")).toMatch(/^enc1\.k2\./);
  });

  it("when a key is malformed or repeated, then parsing refuses it", () => {
    expect(() => parseFieldKeys("k1:short")).toThrow("32 random bytes");
    expect(() => parseFieldKeys(randomBytes(32).toString("base64"))).toThrow();
    const spec = keySpec("k1");
    expect(() => parseFieldKeys(`${spec},${spec}`)).toThrow("unique");
  });
});
