import {
  HEADERS,
  TOPICS,
  createEvent,
  createEventPublisher,
  keyOf,
  newTraceparent,
  serializeEvent,
  type EventRegistry,
} from "@coffer/contracts";
import type { Admin, Kafka } from "kafkajs";
import type { Config } from "../config.js";
import { unavailable } from "../errors.js";
import { toJson } from "../output.js";

export type AuditPhase = "started" | "resumed" | "completed" | "failed";

export type AuditEntry = {
  actionId: string;
  command: string;
  phase: AuditPhase;
  plan: unknown;
  result?: unknown;
};

export type AuditLog = {
  record(entry: AuditEntry): Promise<void>;
  close(): Promise<void>;
};

const PRODUCER = "coffer-ops";

/**
 * Appends to `ops.audit.v1` what an operator does, before the change (so nothing happens that
 * is not on record: a failed write stops the action) and after it. Produced directly, not
 * through an outbox: the CLI has no database; the publisher is idempotent and waits for every
 * in-sync replica (acks all) before the action goes on.
 */
export function createAuditLog(deps: {
  kafka: Kafka;
  admin: () => Promise<Admin>;
  registry: EventRegistry;
  config: Config;
  argv: readonly string[];
}): AuditLog {
  const { config } = deps;
  const publisher = createEventPublisher(deps.kafka, deps.registry);
  let ready: Promise<void> | undefined;

  async function ensureAuditTopic() {
    const admin = await deps.admin();
    if ((await admin.listTopics()).includes(TOPICS.opsAudit)) return;
    await admin
      .createTopics({
        waitForLeaders: true,
        // An audit trail is small and must outlive the broker's default retention.
        topics: [
          {
            topic: TOPICS.opsAudit,
            numPartitions: 1,
            ...(config.topics.replicationFactor !== undefined && {
              replicationFactor: config.topics.replicationFactor,
            }),
            configEntries: [
              { name: "retention.ms", value: "-1" },
              ...(config.topics.minInsyncReplicas !== undefined
                ? [{ name: "min.insync.replicas", value: String(config.topics.minInsyncReplicas) }]
                : []),
            ],
          },
        ],
      })
      .catch((error: unknown) => {
        if ((error as { type?: string }).type !== "TOPIC_ALREADY_EXISTS") throw error;
      });
  }

  return {
    async record({ actionId, command, phase, plan, result }) {
      ready ??= ensureAuditTopic().catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
      await ready;
      try {
        await deps.registry.schemaId(TOPICS.opsAudit);
      } catch (error) {
        throw unavailable(
          `the schema registry at ${config.registryUrl} is unavailable: ${(error as Error).message}`,
          error,
        );
      }
      const event = createEvent(
        TOPICS.opsAudit,
        {
          operator: config.operator,
          host: config.host,
          actionId,
          command,
          arguments: [...deps.argv],
          phase,
          plan: toJson(plan),
          result: result === undefined ? null : toJson(result),
        },
        { correlationId: actionId, producer: PRODUCER },
      );
      await publisher.publish([
        {
          eventId: event.eventId,
          topic: TOPICS.opsAudit,
          key: keyOf(event),
          payload: serializeEvent(TOPICS.opsAudit, event),
          headers: {
            [HEADERS.eventType]: TOPICS.opsAudit,
            [HEADERS.correlationId]: actionId,
            [HEADERS.traceparent]: newTraceparent(),
          },
        },
      ]);
    },
    close: () => publisher.close(),
  };
}

/** Runs an action between its started and its completed (or failed) audit records. */
export async function audited<T>(
  audit: AuditLog,
  entry: Omit<AuditEntry, "phase" | "result"> & { phase?: "started" | "resumed" },
  action: () => Promise<T>,
  resultOf: (value: T) => unknown = (value) => value,
): Promise<T> {
  await audit.record({ ...entry, phase: entry.phase ?? "started" });
  let value: T;
  try {
    value = await action();
  } catch (error) {
    // The action's own error is what the operator must see, even when this record cannot be written.
    await audit
      .record({ ...entry, phase: "failed", result: { error: (error as Error).message } })
      .catch(() => undefined);
    throw error;
  }
  await audit.record({ ...entry, phase: "completed", result: resultOf(value) });
  return value;
}
