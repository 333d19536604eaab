// Compiles sha256_state.c into build/sha256_state.node for the running node, with the headers
// that come with it (node_api.h, and OpenSSL's, whose SHA-256 the node binary carries). Skipped
// when the addon is newer than its source. Needs a C compiler: `cc`, or the one in $CC.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.join(here, "sha256_state.c");
const addon = path.join(here, "build", "sha256_state.node");
const headers = path.resolve(process.execPath, "..", "..", "include", "node");

if (existsSync(addon) && statSync(addon).mtimeMs >= statSync(source).mtimeMs) process.exit(0);
if (!existsSync(path.join(headers, "node_api.h"))) {
  console.error(`file-service: node's headers are not at ${headers}; they come with node's own packages`);
  process.exit(1);
}
mkdirSync(path.dirname(addon), { recursive: true });
// On macOS the addon's Node-API and OpenSSL symbols are resolved from node when it loads.
const link = process.platform === "darwin" ? ["-bundle", "-undefined", "dynamic_lookup"] : ["-shared"];
try {
  execFileSync(
    process.env.CC || "cc",
    ["-O2", "-fPIC", "-Wall", "-Werror", ...link, "-I", headers, "-o", addon, source],
    { stdio: "inherit" },
  );
} catch {
  console.error("file-service: compiling native/sha256_state.c failed (a C compiler is needed: cc or $CC)");
  process.exit(1);
}
