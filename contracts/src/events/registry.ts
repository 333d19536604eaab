import { COMPATIBILITY, SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import type avro from "avsc";
import { PoisonRecordError, RegistryUnavailable } from "../errors.js";
import { AVRO_OPTIONS, avroTypeOf, assertValidEvent, EventValidationError } from "./events.js";
import { SCHEMAS, type EventMap, type Topic } from "./generated/events.js";

/** TopicNameStrategy: the value schema of topic T is registered under `T-value`. */
export const subjectOf = (topic: string) => `${topic}-value`;

export type EventRegistry = {
  /**
   * Registers (once per process) the catalogue's schema for the topic under FULL_TRANSITIVE, every
   * version readable by every other (during a rollout old consumers read new producers' records and
   * new consumers replay old ones), and returns its id.
   */
  schemaId(topic: Topic): Promise<number>;
  /** The Confluent wire format: magic byte, schema id, Avro binary. */
  encode<T extends Topic>(topic: T, event: EventMap[T]): Promise<Buffer>;
  /**
   * Reads a record written with any registered version of the topic's schema into the
   * catalogue's version. Throws PoisonRecordError when the record can never be read, and
   * RegistryUnavailable when its writer schema cannot be fetched now.
   */
  decode<T extends Topic>(topic: T, message: Buffer | null): Promise<EventMap[T]>;
  /** `decode` of many records: their writer schemas fetched first, then each read without a wait. */
  decodeAll<T extends Topic>(topic: T, messages: readonly (Buffer | null)[]): Promise<EventMap[T][]>;
};

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/** The writer schema's id in the Confluent wire format (magic byte 0, the id, then Avro). */
function schemaIdOf(message: Buffer | null): number {
  if (!message || message.length < 5 || message[0] !== 0) {
    throw new PoisonRecordError("the record is not in the Confluent Avro wire format");
  }
  return message.readInt32BE(1);
}

export function createEventRegistry(url: string): EventRegistry {
  const registry = new SchemaRegistry({ host: url, retry: { retries: 2 } }, { [SchemaType.AVRO]: AVRO_OPTIONS });
  const ids = new Map<Topic, Promise<number>>();
  const resolvers = new Map<string, avro.Resolver>();

  async function writerType(id: number): Promise<avro.Type> {
    try {
      return (await registry.getSchema(id)) as avro.Type;
    } catch (error) {
      if (statusOf(error) === 404)
        throw new PoisonRecordError(`schema id ${id} is unknown to the registry`, { cause: error });
      throw new RegistryUnavailable(`schema id ${id}: ${(error as Error)?.message ?? error}`, { cause: error });
    }
  }

  // Set on the subject before each registration, since subjects registered before carry BACKWARD
  // (the client library's default) and the registry's global rule is the operator's.
  async function register(topic: Topic): Promise<number> {
    const subject = subjectOf(topic);
    const response = await fetch(`${url}/config/${encodeURIComponent(subject)}`, {
      method: "PUT",
      headers: { "content-type": "application/vnd.schemaregistry.v1+json" },
      body: JSON.stringify({ compatibility: COMPATIBILITY.FULL_TRANSITIVE }),
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new RegistryUnavailable(`setting ${subject}'s compatibility answered ${response.status}`);
    const registered = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(SCHEMAS[topic]) },
      { subject, compatibility: COMPATIBILITY.FULL_TRANSITIVE },
    );
    return registered.id;
  }

  /** How the writer's schema (id) is read as the catalogue's: fetched once per id and topic. */
  async function resolverOf(topic: Topic, id: number): Promise<avro.Resolver> {
    const key = `${topic}:${id}`;
    let resolver = resolvers.get(key);
    if (!resolver) {
      const writer = await writerType(id);
      try {
        resolver = avroTypeOf(topic).createResolver(writer);
      } catch (error) {
        throw new PoisonRecordError(`schema id ${id} cannot be read as ${topic}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      resolvers.set(key, resolver);
    }
    return resolver;
  }

  function read<T extends Topic>(topic: T, message: Buffer, resolver: avro.Resolver): EventMap[T] {
    try {
      const event = avroTypeOf(topic).fromBuffer(message.subarray(5), resolver) as EventMap[T];
      assertValidEvent(topic, event);
      return event;
    } catch (error) {
      const reason =
        error instanceof EventValidationError ? error.message : `cannot decode: ${(error as Error).message}`;
      throw new PoisonRecordError(reason, { cause: error });
    }
  }

  return {
    schemaId(topic) {
      let id = ids.get(topic);
      if (!id) {
        id = register(topic);
        // A failed registration (registry down) is retried by the next call, not cached.
        id.catch(() => ids.delete(topic));
        ids.set(topic, id);
      }
      return id;
    },

    async encode(topic, event) {
      assertValidEvent(topic, event);
      const id = await this.schemaId(topic);
      const header = Buffer.alloc(5);
      header.writeInt32BE(id, 1);
      return Buffer.concat([header, avroTypeOf(topic).toBuffer(event)]);
    },

    async decode(topic, message) {
      const id = schemaIdOf(message);
      return read(topic, message!, await resolverOf(topic, id));
    },

    async decodeAll(topic, messages) {
      const ids = messages.map(schemaIdOf);
      const resolvers = new Map(
        await Promise.all([...new Set(ids)].map(async (id) => [id, await resolverOf(topic, id)] as const)),
      );
      return messages.map((message, i) => read(topic, message!, resolvers.get(ids[i]!)!));
    },
  };
}
