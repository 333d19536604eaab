import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("kong/kong.yml", () => {
  it("passes decK's offline validation", () => {
    const root = new URL("../../", import.meta.url).pathname;
    const result = spawnSync("deck", ["validate", "-s", "kong/kong.yml"], { cwd: root, encoding: "utf8" });
    expect(result.error).toBeUndefined();
    expect(result.stderr + result.stdout).toBe("");
    expect(result.status).toBe(0);
  });
});
