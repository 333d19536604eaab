import avro from "avsc";
import { AVRO_OPTIONS } from "./events.js";

type Field = { name: string; type: unknown; default?: unknown };
type RecordSchema = { name: string; fields: Field[] };

const typeOf = (schema: unknown) => avro.Type.forSchema(schema as avro.Schema, { ...AVRO_OPTIONS, registry: {} });

function canRead(reader: unknown, writer: unknown): string | undefined {
  try {
    typeOf(reader).createResolver(typeOf(writer));
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * What breaks between a released schema of a topic and the current one, in both directions (FULL
 * compatibility): consumers on the new schema must read old records, and consumers still on the
 * old one must read new records. Checked against every released version, it is the registry's
 * FULL_TRANSITIVE rule. Each problem names the field and who breaks.
 */
export function compatibilityProblems(released: object, current: object): string[] {
  const before = released as RecordSchema;
  const after = current as RecordSchema;
  const problems: string[] = [];
  const beforeFields = new Map(before.fields.map((f) => [f.name, f]));
  const afterFields = new Map(after.fields.map((f) => [f.name, f]));

  for (const field of after.fields) {
    const old = beforeFields.get(field.name);
    if (!old && !("default" in field)) {
      problems.push(
        `field "${field.name}" was added without a default: consumers on the new schema cannot read records written with the released one`,
      );
    } else if (old) {
      const backward = canRead(field.type, old.type);
      const forward = canRead(old.type, field.type);
      if (backward || forward) {
        problems.push(
          `field "${field.name}" changed type from ${JSON.stringify(old.type)} to ${JSON.stringify(field.type)}: ${
            backward ? "new consumers cannot read released records" : "released consumers cannot read new records"
          }`,
        );
      }
    }
  }
  for (const field of before.fields) {
    if (!afterFields.has(field.name) && !("default" in field)) {
      problems.push(
        `required field "${field.name}" was removed: consumers on the released schema cannot read new records`,
      );
    }
  }
  // Whatever the field-level diagnosis misses (e.g. a renamed record), avsc's resolution catches.
  if (problems.length === 0) {
    const backward = canRead(current, released);
    const forward = canRead(released, current);
    if (backward) problems.push(`new consumers cannot read released records: ${backward}`);
    if (forward) problems.push(`released consumers cannot read new records: ${forward}`);
  }
  return problems;
}
