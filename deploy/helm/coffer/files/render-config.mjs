#!/usr/bin/env node
// Renders kong/kong.yml for a running platform: one JWT credential per customer-service signing
// key, keyed by its `kid` (so a key added by rotate-key is accepted before it signs), CORS_ORIGINS
// into the cors plugin, REDIS_URL into every rate-limiting plugin's Redis settings. Render again,
// and reload the gateway, after each rotation.
// Makes the signing key first when the directory has none, as compose's one-shot init container
// and `make dev` both do before anything else starts. Plain Node, no dependencies, so it runs
// in a bare node image.
//
//   node kong/render-config.mjs --keys-dir DIR --out FILE [--template kong/kong.yml] [--owner UID:GID] [--instances N]
//
// --instances N renders each upstream's one target `host:port` as N targets `host-1:port` …
// `host-N:port` (the two-of-everything topology).
// --owner hands a key it makes to the services' user (the init container runs as root).
import { createHash, createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { chmodSync, chownSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    "keys-dir": { type: "string" },
    out: { type: "string" },
    template: { type: "string", default: new URL("kong.yml", import.meta.url).pathname },
    owner: { type: "string" },
    instances: { type: "string", default: "1" },
  },
});
const owner = values.owner?.match(/^(\d+):(\d+)$/);
const instances = Number(values.instances);
if (!values["keys-dir"] || !values.out || (values.owner && !owner) || !Number.isInteger(instances) || instances < 1) {
  console.error(
    "usage: render-config.mjs --keys-dir DIR --out FILE [--template kong.yml] [--owner UID:GID] [--instances N]",
  );
  process.exit(2);
}
const keysDir = values["keys-dir"];

/** Every `*.pem`, each of which customer-service publishes; one is made if there is none. */
function signingKeyPems() {
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  let pems = readdirSync(keysDir)
    .filter((f) => f.endsWith(".pem"))
    .sort();
  if (pems.length === 0) {
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const name = `${new Date().toISOString().replace(/[:.]/g, "-")}.pem`;
    writeFileSync(join(keysDir, name), privateKey, { mode: 0o600, flag: "wx" });
    if (owner) {
      chownSync(keysDir, Number(owner[1]), Number(owner[2]));
      chownSync(join(keysDir, name), Number(owner[1]), Number(owner[2]));
    }
    console.error(`render-config: made a new signing key ${join(keysDir, name)}`);
    pems = [name];
  }
  return pems.map((name) => readFileSync(join(keysDir, name), "utf8"));
}

/** The key's RFC 7638 thumbprint, the `kid` customer-service puts in its tokens' header. */
function kidOf(publicKey) {
  const { e, kty, n } = publicKey.export({ format: "jwk" });
  return createHash("sha256").update(JSON.stringify({ e, kty, n })).digest("base64url");
}

const origins = (process.env.CORS_ORIGINS ?? "http://localhost:5173,http://127.0.0.1:5173")
  .split(",")
  .map((origin) => origin.trim())
  .filter(Boolean);
// kong.yml's cors plugin sends credentials (the refresh cookie): an origin any site can present
// (`*`, `null`, a pattern) would let every site read a signed-in customer's answers.
const notExact = origins.filter(
  (origin) => !/^https?:\/\/[a-z0-9.-]+(:\d+)?$/i.test(origin) || new URL(origin).origin !== origin.toLowerCase(),
);
if (notExact.length > 0) {
  console.error(
    `render-config: CORS_ORIGINS must list exact origins such as https://app.example (credentials are allowed, so *, null and patterns are refused): ${notExact.join(", ")}`,
  );
  process.exit(1);
}
/** Kong's `redis` record of the rate-limiting plugin, from a `redis://[user:password@]host:port[/db]` URL. */
function redisSettings(url) {
  const { hostname, port, username, password, pathname } = new URL(url);
  const database = Number(pathname.slice(1) || 0);
  return {
    host: hostname,
    port: Number(port || 6379),
    ...(username && { username: decodeURIComponent(username) }),
    ...(password && { password: decodeURIComponent(password) }),
    ...(database > 0 && { database }),
  };
}

const credentials = signingKeyPems().map((pem) => {
  const publicKey = createPublicKey(pem);
  return {
    key: kidOf(publicKey),
    algorithm: "RS256",
    rsa_public_key: publicKey.export({ type: "spki", format: "pem" }),
    // Unused with RS256, but decK 1.4.0 requires it: random, so it can never verify anything.
    secret: randomBytes(32).toString("hex"),
  };
});

const template = readFileSync(values.template, "utf8");
const placeholders = [
  // JSON strings and arrays are YAML flow scalars and sequences: no indentation to get wrong.
  // The credentials' placeholder is one valid credential (so decK validates the template), as
  // Prettier lays it out.
  [/\[\s*\{\s*key: "__COFFER_JWT_KID__",[^\]]*\]/g, JSON.stringify(credentials)],
  ['["__COFFER_CORS_ORIGINS__"]', JSON.stringify(origins)],
  [
    '{ host: "__COFFER_REDIS_HOST__", port: 6379 }',
    JSON.stringify(redisSettings(process.env.REDIS_URL ?? "redis://127.0.0.1:6379")),
  ],
];
let rendered = template;
for (const [placeholder, value] of placeholders) {
  const found = typeof placeholder === "string" ? rendered.includes(placeholder) : rendered.search(placeholder) >= 0;
  if (!found) {
    console.error(`render-config: ${values.template} has no ${placeholder}`);
    process.exit(1);
  }
  rendered = rendered.replaceAll(placeholder, () => value);
}

if (instances > 1) {
  rendered = rendered.replace(/^(\s*)- \{ target: ([a-z0-9-]+):(\d+) \}$/gm, (_line, indent, host, port) =>
    Array.from({ length: instances }, (_, i) => `${indent}- { target: ${host}-${i + 1}:${port} }`).join("\n"),
  );
}

mkdirSync(dirname(values.out), { recursive: true });
const partial = `${values.out}.${process.pid}.tmp`;
writeFileSync(partial, rendered, { mode: 0o644 });
chmodSync(partial, 0o644);
renameSync(partial, values.out);
console.error(`render-config: wrote ${values.out}`);
