import { spawn } from "node:child_process";
import { once } from "node:events";
import type { FastifyInstance } from "fastify";
import { expect, it } from "vitest";

/** `/health/live` answers ok, and `/health/ready` 200 with each of `checks` as it is named there. */
export async function expectLiveAndReady(app: FastifyInstance, checks: Record<string, "up">): Promise<void> {
  expect((await app.inject("/health/live")).json()).toEqual({ status: "ok" });
  const ready = await app.inject("/health/ready");
  expect(ready.statusCode).toBe(200);
  expect(ready.json()).toEqual({ status: "ready", checks });
}

/** Runs a service's `main.ts` (through tsx) as its own process, with only `env`. */
export function spawnMain(main: URL, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ["--import", "tsx", main.pathname], { env });
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk) => (output.stdout += chunk));
  child.stderr.on("data", (chunk) => (output.stderr += chunk));
  return { child, output, exited: once(child, "exit") as Promise<[number | null]> };
}

/** The test of every service's process: SIGTERM closes its clients and it exits 0. `env()` is read when it runs. */
export function itClosesOnSigterm(main: URL, env: () => NodeJS.ProcessEnv): void {
  it("when it receives SIGTERM, then it closes its clients and exits 0", async () => {
    const { child, output, exited } = spawnMain(main, { ...env(), LOG_LEVEL: "info" });
    await expect.poll(() => output.stdout, { timeout: 20_000 }).toContain("Server listening");
    child.kill("SIGTERM");
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output.stdout).toContain('"msg":"closing"');
  });
}
