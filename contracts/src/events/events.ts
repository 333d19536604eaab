import { randomUUID } from "node:crypto";
import avro from "avsc";
import type { ENVELOPE_FIELDS } from "./generated/events.js";
import { SCHEMAS, type EventMap, type Topic } from "./generated/events.js";

/** Avro `timestamp-millis` as a JavaScript Date, both when encoding and decoding. */
class TimestampMillis extends avro.types.LogicalType {
  protected override _fromValue(value: number): Date {
    return new Date(value);
  }
  protected override _toValue(value: unknown): number | undefined {
    return value instanceof Date ? value.getTime() : undefined;
  }
  protected override _resolve(type: avro.Type): ((value: number) => Date) | undefined {
    if (avro.Type.isType(type, "long", "logical:timestamp-millis")) return this._fromValue.bind(this);
    return undefined;
  }
}

/** avsc options for every type of the catalogue. Frozen: avsc adds a type registry to the options it is given, so pass a copy. */
export const AVRO_OPTIONS = Object.freeze({ logicalTypes: { "timestamp-millis": TimestampMillis } });

type EnvelopeField = (typeof ENVELOPE_FIELDS)[number];
export type EventPayload<T extends Topic> = Omit<EventMap[T], EnvelopeField>;
export type AnyEvent = EventMap[Topic];
export type EventContext = { correlationId: string; producer: string };

const types = new Map<Topic, avro.Type>();

/**
 * The Kafka key of an event: the owning customer's id, so one customer's events stay in order.
 * An operator's audit record belongs to no customer and is keyed by the operator.
 */
export function keyOf(event: AnyEvent): string {
  return "customerId" in event ? event.customerId : event.operator;
}

export function isTopic(value: string): value is Topic {
  return Object.hasOwn(SCHEMAS, value);
}

/** The Avro type of a topic's events, from the catalogue. */
export function avroTypeOf(topic: Topic): avro.Type {
  let type = types.get(topic);
  if (!type) {
    type = avro.Type.forSchema(SCHEMAS[topic] as avro.Schema, { ...AVRO_OPTIONS });
    types.set(topic, type);
  }
  return type;
}

export class EventValidationError extends Error {
  constructor(
    readonly topic: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid ${topic} event: ${problems.join("; ")}`);
    this.name = "EventValidationError";
  }
}

/** Throws an EventValidationError naming every field that does not match the topic's schema. */
export function assertValidEvent(topic: Topic, event: unknown): void {
  const problems: string[] = [];
  avroTypeOf(topic).isValid(event, {
    errorHook: (path, value) =>
      problems.push(`${path.join(".") || "(event)"}: ${JSON.stringify(value) ?? "undefined"}`),
  });
  if (problems.length > 0) throw new EventValidationError(topic, problems);
}

/** Adds the envelope (a new event id, the time, the correlation id and producer) to a payload. */
export function createEvent<T extends Topic>(topic: T, payload: EventPayload<T>, context: EventContext): EventMap[T] {
  const event = {
    eventId: randomUUID(),
    occurredAt: new Date(),
    correlationId: context.correlationId,
    producer: context.producer,
    ...payload,
  } as EventMap[T];
  assertValidEvent(topic, event);
  return event;
}

/** The Avro JSON encoding of an event, as the outboxes store it until it is published. */
export function serializeEvent(topic: Topic, event: AnyEvent): string {
  assertValidEvent(topic, event);
  return avroTypeOf(topic).toString(event);
}

export function deserializeEvent<T extends Topic>(topic: T, json: string): EventMap[T] {
  return avroTypeOf(topic).fromString(json) as EventMap[T];
}
