import { keyOf, serializeEvent } from "../events/events.js";
import type { EventMap, Topic } from "../events/generated/events.js";
import { HEADERS, newTraceparent, type PendingEvent } from "../events/publisher.js";

export type OutgoingEvent<T extends Topic = Topic> = {
  topic: T;
  event: EventMap[T];
  /** The W3C trace context of the request that caused the event, when there is one. */
  traceparent?: string;
};

/** The event as an outbox keeps it until a relay publishes it: serialised, keyed, with its headers. */
export function pendingEventOf({ topic, event, traceparent }: OutgoingEvent): PendingEvent {
  return {
    eventId: event.eventId,
    topic,
    key: keyOf(event),
    payload: serializeEvent(topic, event),
    headers: {
      [HEADERS.eventType]: topic,
      [HEADERS.correlationId]: event.correlationId,
      [HEADERS.traceparent]: traceparent ?? newTraceparent(),
    },
  };
}
