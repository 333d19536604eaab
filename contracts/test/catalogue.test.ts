import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GENERATED_FILE, generate, listSchemaFiles } from "../scripts/generate-types.js";
import {
  PoisonRecordError,
  SCHEMAS,
  TOPICS,
  compatibilityProblems,
  createEventRegistry,
  subjectOf,
  type Topic,
} from "../src/index.js";
import { sampleEvent } from "./samples.js";
import { registryUrl } from "./support.js";

const schemasDir = new URL("../schemas/", import.meta.url);
type Schema = { name: string; fields: { name: string; type: unknown; default?: unknown }[] };
const current = (topic: string) => JSON.parse(readFileSync(new URL(`${topic}.avsc`, schemasDir), "utf8")) as Schema;

/** Every released version of the topic's schema, oldest first. */
function released(topic: string): Schema[] {
  const dir = new URL(`released/${topic}/`, schemasDir);
  let versions: number[];
  try {
    versions = readdirSync(dir).map((f) => Number(f.replace(/\.avsc$/, "")));
  } catch {
    return [];
  }
  return versions
    .sort((a, b) => a - b)
    .map((version) => JSON.parse(readFileSync(new URL(`${version}.avsc`, dir), "utf8")) as Schema);
}

const topics = Object.values(TOPICS) as Topic[];

describe("the event catalogue", () => {
  it("has generated types that match the .avsc files (run `npm run generate -w @coffer/contracts`)", () => {
    expect(readFileSync(GENERATED_FILE, "utf8")).toBe(generate());
  });

  it("names one topic per schema as <aggregate>.<event>.v<major>, with the Kafka key in customerId (ops: operator)", () => {
    expect(listSchemaFiles().map((f) => f.replace(/\.avsc$/, ""))).toEqual([...topics].sort());
    for (const topic of topics) {
      expect(topic).toMatch(/^[a-z]+\.[a-z-]+\.v\d+$/);
      expect(current(topic).fields.map((f) => f.name)).toContain(topic.startsWith("ops.") ? "operator" : "customerId");
    }
  });

  it("puts the same envelope first in every event", () => {
    const envelope = current(topics[0]!).fields.slice(0, 4);
    expect(envelope.map((f) => f.name)).toEqual(["eventId", "occurredAt", "correlationId", "producer"]);
    for (const topic of topics) expect(current(topic).fields.slice(0, 4), topic).toEqual(envelope);
  });
});

describe("schema compatibility", () => {
  it("keeps every schema compatible both ways with every released version (FULL_TRANSITIVE)", () => {
    for (const topic of topics) {
      const versions = released(topic);
      expect(versions.length, `${topic} has no released version under schemas/released/${topic}/`).toBeGreaterThan(0);
      for (const [index, version] of versions.entries()) {
        expect(compatibilityProblems(version, current(topic)), `${topic} against released ${index + 1}`).toEqual([]);
      }
    }
  });

  const base = current(TOPICS.fileUploaded);
  const variant = (change: (fields: Schema["fields"]) => Schema["fields"]) => ({
    ...base,
    fields: change([...base.fields]),
  });

  it("when a required field is removed, then the check fails naming the field and who breaks", () => {
    const problems = compatibilityProblems(
      base,
      variant((fields) => fields.filter((f) => f.name !== "sha256")),
    );
    expect(problems).toEqual([
      'required field "sha256" was removed: consumers on the released schema cannot read new records',
    ]);
  });

  it("when a field is added without a default, then the check fails naming the field", () => {
    const problems = compatibilityProblems(
      base,
      variant((fields) => [...fields, { name: "checksumAlgo", type: "string" }]),
    );
    expect(problems).toEqual([
      'field "checksumAlgo" was added without a default: consumers on the new schema cannot read records written with the released one',
    ]);
  });

  it("when a field changes to an incompatible type, then the check fails naming it", () => {
    const problems = compatibilityProblems(
      base,
      variant((fields) => fields.map((f) => (f.name === "size" ? { ...f, type: "string" } : f))),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^field "size" changed type/);
  });

  it("when a field is added with a default, then the schemas stay compatible", () => {
    const problems = compatibilityProblems(
      base,
      variant((fields) => [...fields, { name: "tags", type: { type: "array", items: "string" }, default: [] }]),
    );
    expect(problems).toEqual([]);
  });

  it("when a version only old consumers cannot read is registered, then the registry (FULL_TRANSITIVE on each subject) rejects it", async () => {
    const topic = TOPICS.fileUploaded;
    await createEventRegistry(registryUrl).schemaId(topic);
    const config = await fetch(`${registryUrl}/config/${subjectOf(topic)}`);
    expect(await config.json()).toEqual({ compatibilityLevel: "FULL_TRANSITIVE" });

    // Dropping a required field is BACKWARD-compatible (new readers ignore it) but not FORWARD.
    const withoutSha256 = variant((fields) => fields.filter((f) => f.name !== "sha256"));
    const rejected = await fetch(`${registryUrl}/subjects/${subjectOf(topic)}/versions`, {
      method: "POST",
      headers: { "content-type": "application/vnd.schemaregistry.v1+json" },
      body: JSON.stringify({ schema: JSON.stringify(withoutSha256) }),
    });
    expect(rejected.status).toBe(409);
  });

  it("registers every catalogue schema under <topic>-value", async () => {
    const registry = createEventRegistry(registryUrl);
    for (const topic of topics) {
      const id = await registry.schemaId(topic);
      const response = await fetch(`${registryUrl}/subjects/${subjectOf(topic)}/versions/latest`);
      const latest = (await response.json()) as { id: number; schema: string };
      expect(latest.id, topic).toBe(id);
      expect(JSON.parse(latest.schema), topic).toEqual(SCHEMAS[topic]);
    }
  });

  it("decodes a fetched batch as decode does each record, and refuses the batch when one record is not in the wire format", async () => {
    const topic = TOPICS.fileUploaded;
    const registry = createEventRegistry(registryUrl);
    const events = [1, 2, 3].map((n) => sampleEvent(topic, `customer-${n}`, `batch-${n}`));
    const records = await Promise.all(events.map((event) => registry.encode(topic, event)));

    expect(await registry.decodeAll(topic, records)).toEqual(
      await Promise.all(records.map((record) => registry.decode(topic, record))),
    );
    expect(await registry.decodeAll(topic, records)).toEqual(events);
    await expect(registry.decodeAll(topic, [records[0]!, Buffer.from("not avro"), records[2]!])).rejects.toThrow(
      PoisonRecordError,
    );
  });
});
