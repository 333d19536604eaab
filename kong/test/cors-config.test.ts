import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KongConfigError, parseKongConfig } from "../src/kong-config.js";

/**
 * With credentials, a CORS origin any site can present lets every site read a signed-in
 * customer's answers (the refresh cookie rides along): refused at start, never served.
 */

const root = new URL("../../", import.meta.url).pathname;

const withCors = (config: Record<string, unknown>) => ({
  _format_version: "3.0",
  services: [{ name: "api", url: "http://upstream.test:1", routes: [{ name: "all", paths: ["/"] }] }],
  plugins: [{ name: "cors", config }],
});

function render(origins: string) {
  const dir = mkdtempSync(join(tmpdir(), "kong-cors-"));
  return spawnSync(
    process.execPath,
    [join(root, "kong/render-config.mjs"), "--keys-dir", join(dir, "keys"), "--out", join(dir, "kong.yml")],
    { encoding: "utf8", env: { ...process.env, CORS_ORIGINS: origins } },
  );
}

describe("CORS origins with credentials", () => {
  it("when kong.yml allows credentials from any origin (*, null, or a pattern anyone matches), then the gateway refuses to start and says why", () => {
    for (const origin of ["*", "null", ".*", "https?://.*", "https://.+"]) {
      const start = () => parseKongConfig(withCors({ origins: [origin, "https://app.example"], credentials: true }));
      expect(start, origin).toThrow(KongConfigError);
      expect(start, origin).toThrow(/plugins\/0\/config\/origins\/0: .*any site.*credentials/);
    }
  });

  it("when the origins are exact, or credentials are off, then the gateway starts", () => {
    expect(() =>
      parseKongConfig(withCors({ origins: ["https://app.example", "https://.*\\.app\\.example"], credentials: true })),
    ).not.toThrow();
    expect(() => parseKongConfig(withCors({ origins: ["*"], credentials: false }))).not.toThrow();
  });

  it("when CORS_ORIGINS is *, null or a pattern, then rendering kong.yml (which sends credentials) fails and names it", () => {
    for (const origins of ["*", "https://app.example,*", "null", "https://.*", "app.example"]) {
      const rendered = render(origins);
      expect(rendered.status, origins).not.toBe(0);
      expect(rendered.stderr, origins).toMatch(/CORS_ORIGINS/);
    }
    expect(render("https://app.example, http://localhost:5173").status).toBe(0);
  });
});
