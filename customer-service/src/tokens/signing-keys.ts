import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importPKCS8, type JWK } from "jose";

export type SigningKey = {
  kid: string;
  privateKey: Awaited<ReturnType<typeof importPKCS8>>;
  publicJwk: JWK;
  /** When it was added (from its file name); it signs `activationDelayMs` later. */
  addedAt: number;
};

export type SigningKeys = {
  /** The key that signs now: the newest whose delay has passed, or the oldest when none has (a first key). */
  current(): SigningKey;
  /** Every key: a new one is published before it signs, an old one until it is deleted. */
  jwks(): { keys: JWK[] };
  /** Reads the directory again: a key `rotate-key` added is published now and signs once its delay has passed. */
  reload(): Promise<void>;
};

const ALG = "RS256";
const NAME_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z\.pem$/;

/** A new RS256 key, saved as `<UTC timestamp>.pem`: the newest sorts last, and its name says when it was added. */
export async function generateSigningKey(dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = await generateKeyPair(ALG, { modulusLength: 2048, extractable: true });
  const name = `${new Date().toISOString().replace(/[:.]/g, "-")}.pem`;
  writeFileSync(join(dir, name), await exportPKCS8(privateKey), { mode: 0o600, flag: "wx" });
  return name;
}

/** A key file's time from its name; a key named otherwise counts as added long ago. */
function addedAt(file: string): number {
  const match = NAME_TIME.exec(file);
  return match ? Date.parse(`${match[1]}T${match[2]}:${match[3]}:${match[4]}.${match[5]}Z`) : 0;
}

/**
 * Every `*.pem` (PKCS#8) in the directory is published in the JWKS; rotation is two-phase so no
 * verifier sees a token before it knows its key: `rotate-key` adds a key, every instance publishes
 * it at its next reload, the gateway's credentials are rendered again (kong.yml, one per `kid`),
 * and only `activationDelayMs` after it was added does it sign. Retire a key by deleting its file
 * once the tokens it signed have expired.
 */
export async function loadSigningKeys(
  dir: string,
  options: { generateIfMissing: boolean; activationDelayMs: number },
): Promise<SigningKeys> {
  const list = () => {
    try {
      return readdirSync(dir)
        .filter((f) => f.endsWith(".pem"))
        .sort();
    } catch {
      return [];
    }
  };
  const read = async (): Promise<SigningKey[]> => {
    let files = list();
    if (files.length === 0) {
      if (!options.generateIfMissing) throw new Error(`no signing key (*.pem) in ${dir}`);
      await generateSigningKey(dir);
      files = list();
    }
    return Promise.all(
      files.map(async (file) => {
        const privateKey = await importPKCS8(readFileSync(join(dir, file), "utf8"), ALG, { extractable: true });
        const { kty, n, e } = await exportJWK(privateKey);
        const base: JWK = { kty, n, e };
        const kid = await calculateJwkThumbprint(base);
        return { kid, privateKey, publicJwk: { ...base, kid, alg: ALG, use: "sig" }, addedAt: addedAt(file) };
      }),
    );
  };

  let all = await read();
  return {
    current() {
      const activeSince = Date.now() - options.activationDelayMs;
      return all.findLast((key) => key.addedAt <= activeSince) ?? all[0]!;
    },
    jwks: () => ({ keys: all.map((k) => k.publicJwk) }),
    async reload() {
      all = await read();
    },
  };
}

/** Reloads the keys every `intervalMs`; a failed read (a half-written file) keeps the keys it had. */
export function createKeysReload(
  keys: SigningKeys,
  options: { intervalMs: number; logger: { warn(obj: object, msg: string): void } },
) {
  let timer: NodeJS.Timeout | undefined;
  return {
    start() {
      timer = setInterval(() => {
        keys.reload().catch((err: unknown) => options.logger.warn({ err }, "reloading the signing keys failed"));
      }, options.intervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
