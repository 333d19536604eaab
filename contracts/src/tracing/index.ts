import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
} from "@opentelemetry/api";
import type { IHeaders } from "kafkajs";
import type { EventPublisher, PendingEvent } from "../events/publisher.js";

/**
 * Coffer's spans, on the OpenTelemetry API alone: without the SDK that `./register.js` starts
 * (tracing is off unless OTLP is configured) every function here calls straight through.
 */
const tracer = trace.getTracer("@coffer/contracts");

/** Whether an SDK runs in this process: it registers the W3C propagator, whose fields are non-empty. */
export function isTracing(): boolean {
  return propagation.fields().length > 0;
}

/** The W3C `traceparent` of the active span, to travel with an event; none without one. */
export function activeTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** `traceId` and `spanId` of the active span, for every log line written inside it (a pino mixin). */
export function traceLogFields(): { traceId?: string; spanId?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

/** Names a request's span after its route (`GET /files/:id`) rather than its method alone. */
export function nameRequestSpan(method: string, route: string | undefined): void {
  if (!route) return;
  const span = trace.getActiveSpan();
  span?.updateName(`${method} ${route}`);
  span?.setAttribute("http.route", route);
}

/** Notes a failure on the active span without failing it, e.g. one attempt at a record that is retried. */
export function recordFailure(error: unknown): void {
  trace.getActiveSpan()?.recordException(error instanceof Error ? error : String(error));
}

/** Runs `work` in a span of its own, a child of the active one; failures mark the span. */
export async function withSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; parent?: Context },
  work: () => Promise<T>,
): Promise<T> {
  if (!isTracing()) return work();
  const parent = options.parent ?? context.active();
  const span = tracer.startSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), work);
  } catch (error) {
    endFailed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

function endFailed(span: Span, error: unknown) {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
}

/**
 * A publisher whose records continue the trace their outbox row carries: one producer span per
 * event, a child of the row's `traceparent`, and that span's context in the record's headers.
 */
export function withPublishSpans(publisher: EventPublisher): EventPublisher {
  return {
    ...publisher,
    async publish(events) {
      if (!isTracing() || events.length === 0) return publisher.publish(events);
      const spans: Span[] = [];
      const traced = events.map((event): PendingEvent => {
        const parent = propagation.extract(ROOT_CONTEXT, event.headers);
        const span = tracer.startSpan(
          `${event.topic} publish`,
          {
            kind: SpanKind.PRODUCER,
            attributes: {
              "messaging.system": "kafka",
              "messaging.operation.type": "send",
              "messaging.destination.name": event.topic,
              "messaging.message.id": event.eventId,
            },
          },
          parent,
        );
        spans.push(span);
        const headers = { ...event.headers };
        propagation.inject(trace.setSpan(parent, span), headers);
        return { ...event, headers };
      });
      try {
        await publisher.publish(traced);
      } catch (error) {
        for (const span of spans) endFailed(span, error);
        throw error;
      } finally {
        for (const span of spans) span.end();
      }
    },
  };
}

const kafkaHeaderGetter: TextMapGetter<IHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const value = carrier[key];
    return Array.isArray(value) ? value.map(String) : value?.toString();
  },
};

/** Runs the handling of one consumed record in a consumer span, a child of the record's `traceparent`. */
export function traceRecord<T>(
  record: { topic: string; partition: number; offset: string; headers?: IHeaders; groupId: string },
  work: () => Promise<T>,
): Promise<T> {
  if (!isTracing()) return work();
  return withSpan(
    `${record.topic} process`,
    {
      kind: SpanKind.CONSUMER,
      parent: propagation.extract(ROOT_CONTEXT, record.headers ?? {}, kafkaHeaderGetter),
      attributes: {
        "messaging.system": "kafka",
        "messaging.operation.type": "process",
        "messaging.destination.name": record.topic,
        "messaging.destination.partition.id": String(record.partition),
        "messaging.kafka.offset": Number(record.offset),
        "messaging.consumer.group.name": record.groupId,
      },
    },
    work,
  );
}

/** Exports the spans still buffered, before the process exits. */
export async function flushTraces(): Promise<void> {
  const provider = trace.getTracerProvider() as { getDelegate?: () => { forceFlush?: () => Promise<void> } };
  await provider.getDelegate?.().forceFlush?.();
}

export { SpanKind };
