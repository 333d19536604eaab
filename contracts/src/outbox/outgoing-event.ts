import { keyOf, serializeEvent } from "../events/events.js";
import type { EventMap, Topic } from "../events/generated/events.js";
import { HEADERS, type PendingEvent } from "../events/publisher.js";
import { activeTraceparent } from "../tracing/index.js";

export type OutgoingEvent<T extends Topic = Topic> = {
  topic: T;
  event: EventMap[T];
  /** The W3C trace context of the request that caused the event, when there is one. */
  traceparent?: string;
};

/**
 * The event as an outbox keeps it until a relay publishes it: serialised, keyed, with its headers,
 * among them the trace context of the span that enqueued it (the request's), when tracing is on.
 */
export function pendingEventOf({ topic, event, traceparent = activeTraceparent() }: OutgoingEvent): PendingEvent {
  return {
    eventId: event.eventId,
    topic,
    key: keyOf(event),
    payload: serializeEvent(topic, event),
    headers: {
      [HEADERS.eventType]: topic,
      [HEADERS.correlationId]: event.correlationId,
      ...(traceparent && { [HEADERS.traceparent]: traceparent }),
    },
  };
}
