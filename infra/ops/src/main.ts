import { main } from "./cli.js";

// Ctrl-C ends a `tail --follow` cleanly; anything else gets a moment, then stops (a republish
// is checkpointed, so stopping it anywhere is safe). A second Ctrl-C stops at once.
const controller = new AbortController();
process.once("SIGINT", () => {
  controller.abort();
  setTimeout(() => process.exit(130), 5000).unref();
  process.once("SIGINT", () => process.exit(130));
});

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
});
