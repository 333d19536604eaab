import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

declare const encrypted: unique symbol;
/** A secret sealed for its consumer: AES-256-GCM, bound to the topic and the customer it belongs to. */
export type EncryptedString = string & { readonly [encrypted]: true };

export type FieldKey = { id: string; key: Buffer };

const PREFIX = "enc1";
const IV_BYTES = 12;
// Pinned: without it a decipher accepts any tag from 4 bytes up, and a short tag is easy to forge.
const TAG_BYTES = 16;

/**
 * Parses `EVENT_ENCRYPTION_KEYS`: comma-separated `<id>:<base64 of 32 bytes>`, the first is used
 * to encrypt and all of them to decrypt, so keys can be rotated without losing in-flight events.
 */
export function parseFieldKeys(spec: string): FieldKey[] {
  const keys = spec.split(",").map((entry) => {
    const [id, encoded] = entry.trim().split(":");
    const key = Buffer.from(encoded ?? "", "base64");
    if (!id || !/^[\w-]{1,32}$/.test(id) || key.length !== 32) {
      throw new Error("each key must be <id>:<base64 of 32 random bytes>");
    }
    return { id, key };
  });
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new Error("key ids must be unique");
  return keys;
}

export type FieldCipher = {
  encrypt(plaintext: string, context: string): EncryptedString;
  decrypt(value: EncryptedString | string, context: string): string;
};

/** `context` (e.g. topic and customer id) is authenticated: a value moved to another event does not decrypt. */
export function createFieldCipher(keys: readonly FieldKey[]): FieldCipher {
  const [current] = keys;
  if (!current) throw new Error("at least one field encryption key is required");
  return {
    encrypt(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", current.key, iv, { authTagLength: TAG_BYTES }).setAAD(
        Buffer.from(context),
      );
      const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const parts = [iv, sealed, cipher.getAuthTag()].map((b) => b.toString("base64url"));
      return [PREFIX, current.id, ...parts].join(".") as EncryptedString;
    },
    decrypt(value, context) {
      const [prefix, keyId, iv, sealed, tag, ...rest] = value.split(".");
      const key = keys.find((k) => k.id === keyId);
      const ivBytes = Buffer.from(iv ?? "", "base64url");
      const tagBytes = Buffer.from(tag ?? "", "base64url");
      if (
        prefix !== PREFIX ||
        !key ||
        sealed === undefined ||
        rest.length > 0 ||
        ivBytes.length !== IV_BYTES ||
        tagBytes.length !== TAG_BYTES
      ) {
        throw new Error("not a value this service can decrypt");
      }
      const decipher = createDecipheriv("aes-256-gcm", key.key, ivBytes, { authTagLength: TAG_BYTES })
        .setAAD(Buffer.from(context))
        .setAuthTag(tagBytes);
      return Buffer.concat([decipher.update(Buffer.from(sealed, "base64url")), decipher.final()]).toString("utf8");
    },
  };
}

/** For `parseEnv`: what is wrong with a keys setting, named after its variable. */
export function fieldKeysProblems(name: string, spec: string): string[] {
  try {
    parseFieldKeys(spec);
    return [];
  } catch (error) {
    return [`${name}: ${(error as Error).message}`];
  }
}
