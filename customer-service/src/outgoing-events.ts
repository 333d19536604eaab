import { createEvent, type EventPayload, type OutgoingEvent, type Topic } from "@coffer/contracts";

/** The service's name: in its logs, its Kafka clients, and as the producer of its events. */
export const SERVICE_NAME = "customer-service";

/** What a request contributes to the events it causes. */
export type RequestContext = { correlationId: string };

export const requestContext = (request: { id: string }): RequestContext => ({ correlationId: request.id });

/** An event for the outbox of the document whose change it describes. */
export function outgoing<T extends Topic>(topic: T, payload: EventPayload<T>, ctx: RequestContext): OutgoingEvent<T> {
  return { topic, event: createEvent(topic, payload, { correlationId: ctx.correlationId, producer: SERVICE_NAME }) };
}
