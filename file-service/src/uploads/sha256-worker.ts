import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** One running SHA-256 on the worker: fed in order, its state saved at the end (or discarded). */
export type RunningSha256 = {
  update(chunk: Uint8Array): void;
  save(): Promise<Uint8Array>;
  discard(): void;
};

export type Sha256Worker = {
  /** Continues from a saved state, or starts afresh. */
  start(state: Uint8Array | undefined): RunningSha256;
  close(): Promise<void>;
};

/** Bytes sent to the worker at once: fewer messages, and at most this much left to hash at the end. */
const BATCH_BYTES = 2 ** 20;

// CommonJS evaluated from a string, so the same worker runs from the sources (tests) and from dist.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createSHA256 } = require(workerData.hashWasm);
const hashers = new Map();
let queue = Promise.resolve();
parentPort.on("message", (message) => {
  queue = queue.then(async () => {
    const { id } = message;
    try {
      if (message.start !== undefined) {
        const hasher = await createSHA256();
        if (message.start) hasher.load(message.start);
        else hasher.init();
        hashers.set(id, hasher);
      } else if (message.bytes) {
        hashers.get(id).update(message.bytes);
      } else if (message.save) {
        parentPort.postMessage({ id, state: hashers.get(id).save() });
        hashers.delete(id);
      } else {
        hashers.delete(id);
      }
    } catch (error) {
      hashers.delete(id);
      if (message.save) parentPort.postMessage({ id, error: String(error) });
    }
  });
});
`;

/**
 * SHA-256s whose state can be saved (hash-wasm: node's hash cannot export it), computed on a
 * worker thread: hash-wasm takes about 30 ms of CPU per 8 MiB, which would otherwise hold the
 * event loop while a chunk streams to MinIO.
 */
export function createSha256Worker(): Sha256Worker {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { hashWasm: createRequire(import.meta.url).resolve("hash-wasm") },
  });
  const saves = new Map<number, { resolve: (state: Uint8Array) => void; reject: (error: Error) => void }>();
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure = error;
    for (const waiting of saves.values()) waiting.reject(error);
    saves.clear();
  };
  worker.on("message", ({ id, state, error }: { id: number; state?: Uint8Array; error?: string }) => {
    const waiting = saves.get(id);
    saves.delete(id);
    if (error !== undefined) waiting?.reject(new Error(`hashing failed: ${error}`));
    else waiting?.resolve(state!);
  });
  worker.on("error", fail);
  worker.on("exit", () => fail(new Error("the hashing worker stopped")));
  let nextId = 0;

  return {
    start(state) {
      const id = nextId++;
      worker.postMessage({ id, start: state ?? null });
      let pending: Uint8Array[] = [];
      let pendingBytes = 0;
      const send = () => {
        if (pendingBytes === 0) return;
        const bytes = new Uint8Array(pendingBytes);
        let at = 0;
        for (const chunk of pending) {
          bytes.set(chunk, at);
          at += chunk.length;
        }
        worker.postMessage({ id, bytes }, [bytes.buffer]);
        pending = [];
        pendingBytes = 0;
      };
      return {
        update(chunk) {
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes >= BATCH_BYTES) send();
        },
        save() {
          if (failure) return Promise.reject(failure);
          send();
          return new Promise((resolve, reject) => {
            saves.set(id, { resolve, reject });
            worker.postMessage({ id, save: true });
          });
        },
        discard() {
          pending = [];
          pendingBytes = 0;
          if (!failure) worker.postMessage({ id, discard: true });
        },
      };
    },
    async close() {
      await worker.terminate();
    },
  };
}
