// Generates src/events/generated/events.ts from schemas/*.avsc: a TypeScript type per event, the topic
// names, and the schemas themselves, so the .avsc files stay the single source of truth.
//   npm run generate -w @coffer/contracts        write the file
//   (the contracts test fails when the file is stale)
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

type AvroType = string | AvroType[] | { type: string; logicalType?: string; items?: AvroType; [key: string]: unknown };
type AvroField = { name: string; type: AvroType; doc?: string; default?: unknown; "coffer.encrypted"?: boolean };
type AvroRecord = { name: string; doc?: string; fields: AvroField[] };

const schemasDir = fileURLToPath(new URL("../schemas/", import.meta.url));
export const GENERATED_FILE = fileURLToPath(new URL("../src/events/generated/events.ts", import.meta.url));

const ENVELOPE_FIELDS = new Set(["eventId", "occurredAt", "correlationId", "producer"]);

function tsType(type: AvroType): string {
  if (typeof type === "string") {
    const primitives: Record<string, string> = {
      string: "string",
      boolean: "boolean",
      int: "number",
      long: "number",
      float: "number",
      double: "number",
      bytes: "Buffer",
      null: "null",
    };
    const mapped = primitives[type];
    if (!mapped) throw new Error(`unsupported Avro type ${type}`);
    return mapped;
  }
  if (Array.isArray(type)) return type.map(tsType).join(" | ");
  if (type.logicalType === "timestamp-millis") return "Date";
  if (type.type === "array") return `${tsType(type.items!)}[]`;
  return tsType(type.type);
}

function fieldType(field: AvroField): string {
  if (!field["coffer.encrypted"]) return tsType(field.type);
  return Array.isArray(field.type) && field.type.includes("null") ? "EncryptedString | null" : "EncryptedString";
}

const pascal = (topic: string) =>
  topic
    .split(/[.-]/)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");

export function listSchemaFiles(): string[] {
  return readdirSync(schemasDir)
    .filter((f) => f.endsWith(".avsc"))
    .sort();
}

export function generate(): string {
  const out: string[] = [
    "// Generated from contracts/schemas/*.avsc by `npm run generate -w @coffer/contracts`. Do not edit.",
    'import type { EncryptedString } from "../field-encryption.js";',
    "",
  ];
  const topics: { topic: string; typeName: string; schema: AvroRecord }[] = [];
  for (const file of listSchemaFiles()) {
    const topic = file.replace(/\.avsc$/, "");
    const schema = JSON.parse(readFileSync(schemasDir + file, "utf8")) as AvroRecord;
    const typeName = pascal(topic);
    topics.push({ topic, typeName, schema });
    out.push(`/** ${schema.doc ?? schema.name} (topic \`${topic}\`). */`);
    out.push(`export interface ${typeName} {`);
    for (const field of schema.fields) {
      if (field.doc) out.push(`  /** ${field.doc} */`);
      out.push(`  ${field.name}: ${fieldType(field)};`);
    }
    out.push("}", "");
  }
  out.push("/** Every topic of the catalogue, by event. */");
  out.push("export const TOPICS = {");
  for (const { topic } of topics) {
    const key = topic.replace(/\.v\d+$/, "").replace(/[.-](\w)/g, (_, c: string) => c.toUpperCase());
    out.push(`  ${key}: "${topic}",`);
  }
  out.push("} as const;", "");
  out.push("/** The event type carried by each topic. */");
  out.push("export interface EventMap {");
  for (const { topic, typeName } of topics) out.push(`  "${topic}": ${typeName};`);
  out.push("}", "");
  out.push("export type Topic = keyof EventMap;", "");
  out.push(`export const ENVELOPE_FIELDS = ${JSON.stringify([...ENVELOPE_FIELDS])} as const;`, "");
  out.push("/** The Avro schema of each topic, as in schemas/<topic>.avsc. */");
  out.push("export const SCHEMAS: Record<Topic, object> = {");
  for (const { topic, schema } of topics) out.push(`  "${topic}": ${JSON.stringify(schema)},`);
  out.push("};", "");
  out.push("/** Fields encrypted for their consumer, per topic. */");
  out.push("export const ENCRYPTED_FIELDS: Record<Topic, readonly string[]> = {");
  for (const { topic, schema } of topics) {
    const names = schema.fields.filter((f) => f["coffer.encrypted"]).map((f) => f.name);
    out.push(`  "${topic}": ${JSON.stringify(names)},`);
  }
  out.push("};", "");
  return out.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(GENERATED_FILE, generate());
  console.log(`wrote ${GENERATED_FILE}`);
}
