// The event contract: it changes under compatibility rules (see README). HTTP conventions are in
// `@coffer/contracts/http`, PostgreSQL in `/pg`, configuration in `/config`, the test kit in `/testing`.
export * from "./events/generated/events.js";
export { AppError, PoisonRecordError, RegistryUnavailable } from "./errors.js";
export {
  AVRO_OPTIONS,
  EventValidationError,
  assertValidEvent,
  avroTypeOf,
  createEvent,
  deserializeEvent,
  isTopic,
  keyOf,
  serializeEvent,
  type AnyEvent,
  type EventContext,
  type EventPayload,
} from "./events/events.js";
export {
  createFieldCipher,
  fieldKeysProblems,
  parseFieldKeys,
  type EncryptedString,
  type FieldCipher,
  type FieldKey,
} from "./events/field-encryption.js";
export {
  DEFAULT_PARTITIONS,
  DEFAULT_TOPIC_SETTINGS,
  createKafka,
  ensureTopics,
  type EventLogger,
  type KafkaClientOptions,
  type KafkaConnection,
  type KafkaSasl,
  type KafkaTls,
  type Logger,
  type TopicSettings,
} from "./events/kafka.js";
export { MissingTopicsError } from "./events/topic-verification.js";
export { compatibilityProblems } from "./events/compatibility.js";
export { createEventRegistry, subjectOf, type EventRegistry } from "./events/registry.js";
export {
  HEADERS,
  REPLAY_HEADERS,
  createEventPublisher,
  newTraceparent,
  type EventPublisher,
  type PendingEvent,
} from "./events/publisher.js";
export {
  OUTBOX_CHANNEL,
  PG_EVENT_TABLES_SQL,
  createPgOutboxRelay,
  enqueueEvents,
  type PgOutboxRelay,
} from "./outbox/pg-outbox.js";
export type { OutgoingEvent } from "./outbox/outgoing-event.js";
export { createMongoOutboxRelay, outboxFields, withOutbox, type MongoOutboxRelay } from "./outbox/mongo-outbox.js";
export {
  DLQ_HEADERS,
  backoffDelay,
  createConsumerRunner,
  dlqTopicOf,
  fetchLimitsOf,
  headersOf,
  type ConsumerRunner,
  type EventHandler,
  type HandlerContext,
  type BatchContext,
  type BatchHandlerSpec,
  type BatchRecord,
  type HandlerSpec,
  type Handlers,
  type RetryPolicy,
} from "./consumer/consumer-runner.js";
export { createPgIdempotencyStore, purgeProcessedEvents, type IdempotencyStore } from "./consumer/pg-idempotency.js";
