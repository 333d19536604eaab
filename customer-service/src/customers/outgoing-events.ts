import { createEvent, type EventPayload, type OutgoingEvent, type Topic } from "@coffer/contracts";

export const PRODUCER = "customer-service";

/** What a request contributes to the events it causes. */
export type RequestContext = { correlationId: string };

/** An event for the outbox of the document whose change it describes. */
export function outgoing<T extends Topic>(topic: T, payload: EventPayload<T>, ctx: RequestContext): OutgoingEvent<T> {
  return { topic, event: createEvent(topic, payload, { correlationId: ctx.correlationId, producer: PRODUCER }) };
}
