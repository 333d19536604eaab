// A benchmark's peer process (bench/lib/bare-*.{mjs,ts}), started as file-service is: a process of
// its own on a free port, ready when it says so.
import { fork } from "node:child_process";
import { freePort } from "@coffer/contracts/testing";

export type Peer = { url: string; stop(): Promise<void> };

export async function startPeer(module: URL, env: Record<string, string>): Promise<Peer> {
  const port = await freePort();
  const peer = fork(module, {
    env: { ...process.env, ...env, PORT: String(port) },
    execArgv: module.pathname.endsWith(".ts") ? ["--import", "tsx"] : [],
  });
  await new Promise((resolve, reject) => {
    peer.once("message", resolve);
    peer.once("exit", (code) => reject(new Error(`${module.pathname} exited ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      const exited = new Promise((resolve) => peer.once("exit", resolve));
      peer.kill("SIGTERM");
      await exited;
    },
  };
}
