import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importPKCS8, type JWK } from "jose";

export type SigningKey = { kid: string; privateKey: Awaited<ReturnType<typeof importPKCS8>>; publicJwk: JWK };
export type SigningKeys = { current: SigningKey; all: readonly SigningKey[]; jwks: { keys: JWK[] } };

const ALG = "RS256";

/** A new RS256 key, saved as `<UTC timestamp>.pem` so the newest sorts last. */
export async function generateSigningKey(dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = await generateKeyPair(ALG, { modulusLength: 2048, extractable: true });
  const name = `${new Date().toISOString().replace(/[:.]/g, "-")}.pem`;
  writeFileSync(join(dir, name), await exportPKCS8(privateKey), { mode: 0o600, flag: "wx" });
  return name;
}

/**
 * Every `*.pem` (PKCS#8) in the directory is an active key: all are published in the JWKS so
 * tokens signed before a rotation verify until they expire; the newest (by name) signs.
 * Rotate by adding a key (`npm run keys:rotate`); retire one by deleting its file once the
 * tokens it signed have expired.
 */
export async function loadSigningKeys(dir: string, options: { generateIfMissing: boolean }): Promise<SigningKeys> {
  const list = () => {
    try {
      return readdirSync(dir)
        .filter((f) => f.endsWith(".pem"))
        .sort();
    } catch {
      return [];
    }
  };
  let files = list();
  if (files.length === 0) {
    if (!options.generateIfMissing) throw new Error(`no signing key (*.pem) in ${dir}`);
    await generateSigningKey(dir);
    files = list();
  }
  const all = await Promise.all(
    files.map(async (file) => {
      const privateKey = await importPKCS8(readFileSync(join(dir, file), "utf8"), ALG, { extractable: true });
      const { kty, n, e } = await exportJWK(privateKey);
      const base: JWK = { kty, n, e };
      const kid = await calculateJwkThumbprint(base);
      return { kid, privateKey, publicJwk: { ...base, kid, alg: ALG, use: "sig" } };
    }),
  );
  return { current: all.at(-1)!, all, jwks: { keys: all.map((k) => k.publicJwk) } };
}
