#!/usr/bin/env node
// Writes each served version of the given CustomResourceDefinitions as a standalone JSON schema,
// <out>/<group>/<kind>_<version>.json, the layout deploy/bin/chart-check gives kubeconform.
// Objects get additionalProperties: false (kubeconform -strict), as kubeconform's
// openapi2jsonschema.py does: usage `extract-crd-schemas.mjs <out> <crd.yaml>...`.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

const [out, ...files] = process.argv.slice(2);
if (!out || files.length === 0) {
  console.error("usage: extract-crd-schemas.mjs <out> <crd.yaml>...");
  process.exit(2);
}

function strict(schema) {
  if (Array.isArray(schema)) return schema.map(strict);
  if (schema === null || typeof schema !== "object") return schema;
  const copy = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, strict(value)]));
  if (copy["x-kubernetes-int-or-string"]) {
    delete copy.type;
    copy.oneOf = [{ type: "string" }, { type: "integer" }];
  }
  const open = copy["x-kubernetes-preserve-unknown-fields"] === true;
  if (copy.properties && !("additionalProperties" in copy) && !open) copy.additionalProperties = false;
  return copy;
}

for (const file of files) {
  for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
    const crd = document.toJS();
    if (crd?.kind !== "CustomResourceDefinition") continue;
    const { group, names, versions } = crd.spec;
    mkdirSync(join(out, group), { recursive: true });
    for (const version of versions.filter((v) => v.served)) {
      const target = join(out, group, `${names.kind.toLowerCase()}_${version.name}.json`);
      writeFileSync(target, JSON.stringify(strict(version.schema.openAPIV3Schema)) + "\n");
      console.log(target);
    }
  }
}
