import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

type Addon = {
  start(saved?: Uint8Array): Buffer | null;
  update(context: Buffer, bytes: Uint8Array): void;
  save(context: Buffer): Buffer;
  digest(context: Buffer): Buffer;
};

// native/sha256_state.c, compiled by `npm run build` (native/build.mjs); the same path from src/ and dist/.
const ADDON = new URL("../../native/build/sha256_state.node", import.meta.url);

function load(): Addon {
  try {
    return createRequire(import.meta.url)(fileURLToPath(ADDON)) as Addon;
  } catch (error) {
    throw new Error(
      `file-service's SHA-256 addon is not built (npm run build -w @coffer/file-service): ${String(error)}`,
    );
  }
}

const addon = load();

/** A SHA-256 fed in order, whose state can be saved and continued on any instance. */
export type RunningSha256 = {
  update(bytes: Uint8Array): void;
  /** The state after the bytes so far, portable (see native/sha256_state.c); hashing may go on. */
  save(): Uint8Array;
  hex(): string;
};

/**
 * Starts a SHA-256, or continues one from its saved state; undefined when `saved` is not a state
 * this reads (another format, cut short), so the caller can fall back to hashing the bytes again.
 * OpenSSL's SHA-256 in the node binary: about 5 ms of CPU per 8 MiB, where a wasm one that can
 * export its state took 30.
 */
export function startSha256(saved?: Uint8Array): RunningSha256 | undefined {
  const context = addon.start(saved);
  if (!context) return undefined;
  return {
    update: (bytes) => addon.update(context, bytes),
    save: () => addon.save(context),
    hex: () => addon.digest(context).toString("hex"),
  };
}
