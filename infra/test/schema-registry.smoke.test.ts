import { randomUUID } from "node:crypto";
import { SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import { describe, expect, it } from "vitest";

const registry = new SchemaRegistry(
  { host: process.env.SCHEMA_REGISTRY_URL! },
  { forSchemaOptions: { noAnonymousTypes: true } },
);

describe("the schema registry (Apicurio, Confluent API)", () => {
  it("when an Avro schema is registered, then a record encodes to the Confluent wire format and decodes back", async () => {
    const subject = `smoke.registry.${randomUUID()}-value`;
    const schema = {
      type: "record",
      name: "SmokeEvent",
      namespace: "dev.coffer.smoke",
      fields: [
        { name: "id", type: "string" },
        { name: "size", type: "long" },
      ],
    };
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject });
    expect(id).toBeGreaterThan(0);
    expect(await registry.getLatestSchemaId(subject)).toBe(id);

    const record = { id: randomUUID(), size: 5 * 1024 * 1024 };
    const encoded = await registry.encode(id, record);
    expect(encoded[0]).toBe(0); // Confluent magic byte, then the 4-byte schema id
    expect(encoded.readInt32BE(1)).toBe(id);
    expect(await registry.decode(encoded)).toEqual(record);
  });
});
