#!/usr/bin/env node
// kubernetes-validate's schemas `$ref` one shared _definitions.json, which kubeconform cannot
// follow from a local -schema-location: writes each kind's schema standalone, with the definitions
// it reaches inlined under `$defs`, into <out>/v<version>-standalone-strict/<kind>-<group>-<version>.json.
//   inline-kubernetes-schemas.mjs <kubernetes-json-schema dir> <out> <version>...
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [source, out, ...versions] = process.argv.slice(2);
if (!source || !out || versions.length === 0) {
  console.error("usage: inline-kubernetes-schemas.mjs <kubernetes-json-schema dir> <out> <version>...");
  process.exit(2);
}

// A kind's file names the shared file; the definitions name each other locally.
const REFERENCE = /^(?:\/api\/_definitions\.json)?#\/\$defs\/(.+)$/;

/** The schema with its shared references made local, and the names of the definitions it names. */
function localize(schema, named) {
  if (Array.isArray(schema)) return schema.map((item) => localize(item, named));
  if (schema === null || typeof schema !== "object") return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => {
      const reference = key === "$ref" && typeof value === "string" && REFERENCE.exec(value);
      if (reference) {
        named.add(reference[1]);
        return [key, `#/$defs/${reference[1]}`];
      }
      return [key, localize(value, named)];
    }),
  );
}

for (const version of versions) {
  const from = join(source, `v${version}-local-strict`);
  const target = join(out, `v${version}-standalone-strict`);
  if (existsSync(target)) continue;
  const shared = JSON.parse(readFileSync(join(from, "_definitions.json"), "utf8"));
  const partial = `${target}.partial`;
  mkdirSync(partial, { recursive: true });
  for (const file of readdirSync(from)) {
    if (file === "_definitions.json" || !file.endsWith(".json")) continue;
    const schema = JSON.parse(readFileSync(join(from, file), "utf8"));
    // Only objects with a kind are what kubeconform looks up; their parts are reached through $defs.
    if (!schema.properties?.kind?.enum) continue;
    const pending = new Set();
    const standalone = localize(schema, pending);
    const defs = {};
    for (const name of pending) {
      if (name in defs) continue;
      defs[name] = localize(shared.$defs[name], pending);
    }
    writeFileSync(join(partial, file), JSON.stringify({ $schema: shared.$schema, ...standalone, $defs: defs }));
  }
  renameSync(partial, target);
}
