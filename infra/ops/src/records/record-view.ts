import { AVRO_OPTIONS, ENCRYPTED_FIELDS, headersOf, isTopic } from "@coffer/contracts";
import avro from "avsc";
import { unavailable } from "../errors.js";
import type { KafkaRecord } from "../kafka/read-records.js";
import { toJson } from "../output.js";

/** A record as an operator reads it: decoded, with secrets hidden and addresses masked. */
export type RecordView = {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key: string | null;
  headers: Record<string, string>;
  schemaId: number | null;
  value: unknown;
  /** Why the value could not be decoded (then `value` is null). */
  undecodable?: string;
};

type WriterSchema = { type: avro.Type; encrypted: Set<string> };
type Field = { name: string; "coffer.encrypted"?: boolean };

export const ENCRYPTED = "<encrypted>";
const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/g;

export const maskEmails = (text: string) => text.replace(EMAIL, "$1***@$2");

/**
 * Reads records with the schema they were written with (whatever topic they sit in now: a DLQ
 * holds its original topic's bytes), fetched from the registry by the id in the record.
 */
export function createRecordViewer(registryUrl: string, options: { showPii: boolean }) {
  const schemas = new Map<number, Promise<WriterSchema | string>>();

  async function fetchSchema(id: number): Promise<WriterSchema | string> {
    let response: Response;
    try {
      response = await fetch(`${registryUrl}/schemas/ids/${id}`, { signal: AbortSignal.timeout(5000) });
    } catch (error) {
      throw unavailable(`the schema registry at ${registryUrl} is unavailable: ${(error as Error).message}`, error);
    }
    if (response.status === 404) return `schema id ${id} is unknown to the registry`;
    if (!response.ok) throw unavailable(`the schema registry at ${registryUrl} answered ${response.status}`);
    const schema = JSON.parse(((await response.json()) as { schema: string }).schema) as { fields?: Field[] };
    const encrypted = new Set((schema.fields ?? []).filter((f) => f["coffer.encrypted"]).map((f) => f.name));
    return { type: avro.Type.forSchema(schema as avro.Schema, { ...AVRO_OPTIONS }), encrypted };
  }

  function writerSchema(id: number): Promise<WriterSchema | string> {
    let schema = schemas.get(id);
    if (!schema) {
      schema = fetchSchema(id);
      schema.catch(() => schemas.delete(id));
      schemas.set(id, schema);
    }
    return schema;
  }

  const mask = (value: unknown): unknown => {
    if (options.showPii) return value;
    if (typeof value === "string") return maskEmails(value);
    if (Array.isArray(value)) return value.map(mask);
    if (value && typeof value === "object" && !(value instanceof Date) && !Buffer.isBuffer(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v)]));
    }
    return value;
  };

  return async function view(record: KafkaRecord): Promise<RecordView> {
    const headers = headersOf({ headers: record.headers });
    const base = {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset.toString(),
      timestamp: new Date(record.timestamp).toISOString(),
      key: record.key?.toString("utf8") ?? null,
      headers: mask(headers) as Record<string, string>,
    };
    const bytes = record.value;
    if (!bytes || bytes.length < 5 || bytes[0] !== 0) {
      return { ...base, schemaId: null, value: null, undecodable: "not in the Confluent Avro wire format" };
    }
    const schemaId = bytes.readInt32BE(1);
    const schema = await writerSchema(schemaId);
    if (typeof schema === "string") return { ...base, schemaId, value: null, undecodable: schema };
    let decoded: Record<string, unknown>;
    try {
      decoded = schema.type.fromBuffer(bytes.subarray(5)) as Record<string, unknown>;
    } catch (error) {
      return { ...base, schemaId, value: null, undecodable: `cannot decode: ${(error as Error).message}` };
    }
    // The writer schema marks sealed fields; the catalogue does too, should a registry drop the attribute.
    const eventType = headers["event-type"] ?? "";
    const encrypted = new Set([...schema.encrypted, ...(isTopic(eventType) ? ENCRYPTED_FIELDS[eventType] : [])]);
    const value = Object.fromEntries(
      Object.entries(decoded).map(([k, v]) => [k, encrypted.has(k) && v !== null ? ENCRYPTED : mask(v)]),
    );
    return { ...base, schemaId, value };
  };
}

export type RecordViewer = ReturnType<typeof createRecordViewer>;

/** The operator's filters on a record's key and headers. */
export type RecordFilter = { key?: string; type?: string; correlationId?: string };

export function matchesFilter(record: KafkaRecord, filter: RecordFilter): boolean {
  if (filter.key !== undefined && record.key?.toString("utf8") !== filter.key) return false;
  if (filter.type !== undefined || filter.correlationId !== undefined) {
    const headers = headersOf({ headers: record.headers });
    const type = headers["event-type"] ?? "";
    // `customer.registered` matches every major version; `customer.registered.v1` only that one.
    if (filter.type !== undefined && type !== filter.type && !type.startsWith(`${filter.type}.v`)) return false;
    if (filter.correlationId !== undefined && headers["correlation-id"] !== filter.correlationId) return false;
  }
  return true;
}

/** Text for a terminal: coordinates, time and key, the headers, the value. */
export function formatRecordView(view: RecordView): string {
  const headers = Object.entries(view.headers).map(([k, v]) => `${k}: ${v}`);
  const value = view.undecodable ? `<undecodable: ${view.undecodable}>` : toJson(view.value, 2);
  return [
    `${view.topic}/${view.partition}@${view.offset}  ${view.timestamp}  key=${view.key ?? "<null>"}`,
    ...headers.map((h) => `  ${h}`),
    ...value.split("\n").map((line) => `  ${line}`),
  ].join("\n");
}
