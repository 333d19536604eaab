import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { createCustomer, platform, type Customer } from "./support.js";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Per operation; with a fixed seed the run is the same each time, and takes about a minute. */
const MAX_EXAMPLES = Number(process.env.FUZZ_MAX_EXAMPLES ?? 50);
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_901);
const CHECKS = [
  "not_a_server_error",
  "status_code_conformance",
  "content_type_conformance",
  "response_schema_conformance",
];
/**
 * The live stream never ends, so no answer could be judged: the hand-written cases cover it.
 * Disabling accounts would lock the fuzzing customers out halfway (the stateful phase finds
 * their ids in GET /admin/customers), leaving the rest of the run to answer 403; ending a session
 * (the stateful phase finds the fuzzer's own in GET /auth/sessions) revokes its token at once in
 * every service, leaving the rest to answer 401.
 */
const EXCLUDED_PATHS = {
  customer: ["/admin/customers/{id}/disable", "/auth/sessions/{id}"],
  file: [],
  notification: ["/notifications/stream"],
} as const;

const st = execFileSync(`${root}fuzz/bin/install-schemathesis`, { encoding: "utf8" }).trim();

function schemathesis(service: keyof typeof EXCLUDED_PATHS, url: string, token: string) {
  const args = [
    "run",
    `${url}/openapi.json`,
    "--header",
    `Authorization: Bearer ${token}`,
    "--checks",
    CHECKS.join(","),
    "--max-examples",
    String(MAX_EXAMPLES),
    "--seed",
    String(SEED),
    // One worker: the machine is small, and hypothesis' lambda descriptions are not thread-safe on Python 3.11.
    "--workers",
    "1",
    "--request-timeout",
    "30",
    "--generation-database",
    "none",
    "--no-color",
    ...EXCLUDED_PATHS[service].flatMap((path) => ["--exclude-path", path]),
  ];
  // schemathesis keeps a cache in its working directory: not in the checkout.
  const workDir = mkdtempSync(join(tmpdir(), "coffer-schemathesis-"));
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(st, args, {
      cwd: workDir,
      env: { ...process.env, PYTHONPATH: `${root}fuzz`, SCHEMATHESIS_HOOKS: "schemathesis_hooks" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      rmSync(workDir, { recursive: true, force: true });
      const summary = /Test cases:\n\s+(.+)/.exec(output)?.[1] ?? "no summary";
      const operations = /Tested: (\d+)/.exec(output)?.[1] ?? "?";
      console.log(`schemathesis ${service}: ${operations} operations, ${summary}`);
      resolve({ code, output });
    });
  });
}

describe("schemathesis against each service's OpenAPI document", () => {
  let admin: Customer;
  beforeAll(async () => {
    // An admin is a customer too: one token reaches every route, the admin ones included.
    admin = await createCustomer({ admin: true });
  });

  for (const service of ["customer", "file", "notification"] as const) {
    it(`when ${service}-service is fuzzed, then no answer is a 5xx or strays from its document`, async () => {
      const { code, output } = await schemathesis(service, platform().serviceUrls[service], admin.accessToken);
      // The report names each failure with the curl that reproduces it.
      expect(code, output).toBe(0);
    }, 600_000);
  }
});
