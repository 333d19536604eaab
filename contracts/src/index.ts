export * from "./generated/events.js";
export { AppError, PoisonRecordError, RegistryUnavailable } from "./errors.js";
export { ConfigError, TrustedProxies, parseEnv, parseTrustedProxies } from "./config.js";
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
} from "./events.js";
export {
  createFieldCipher,
  fieldKeysProblems,
  parseFieldKeys,
  type EncryptedString,
  type FieldCipher,
  type FieldKey,
} from "./field-encryption.js";
export {
  DEFAULT_PARTITIONS,
  createKafka,
  ensureTopics,
  type EventLogger,
  type KafkaClientOptions,
  type Logger,
} from "./kafka.js";
export { compatibilityProblems } from "./compatibility.js";
export { createEventRegistry, subjectOf, type EventRegistry } from "./registry.js";
export {
  HEADERS,
  REPLAY_HEADERS,
  createEventPublisher,
  newTraceparent,
  type EventPublisher,
  type PendingEvent,
} from "./publisher.js";
export {
  OUTBOX_CHANNEL,
  PG_EVENT_TABLES_SQL,
  createPgOutboxRelay,
  enqueueEvents,
  type OutgoingEvent,
  type PgOutboxRelay,
} from "./outbox/pg-outbox.js";
export { createMongoOutboxRelay, outboxFields, withOutbox, type MongoOutboxRelay } from "./outbox/mongo-outbox.js";
export {
  DLQ_HEADERS,
  backoffDelay,
  createConsumerRunner,
  dlqTopicOf,
  headersOf,
  type ConsumerRunner,
  type EventHandler,
  type HandlerContext,
  type HandlerSpec,
  type Handlers,
  type RetryPolicy,
} from "./consumer/consumer-runner.js";
export {
  createPgIdempotencyStore,
  inTransaction,
  purgeProcessedEvents,
  type IdempotencyStore,
} from "./consumer/pg-idempotency.js";
export { migrate } from "./migrate.js";
export { createKafkaCheck, createSchemaRegistryCheck, type DependencyCheck } from "./readiness.js";
export {
  CORRELATION_ID_HEADER,
  ErrorResponse,
  HTTP_ERRORS,
  createErrorResponses,
  errorResponseOf,
  createServerOptions,
  loggableUrl,
  registerHttpConventions,
} from "./http/conventions.js";
export { BEARER_AUTH, documentOnly, registerOpenApi, type DocumentedAnswer } from "./http/openapi.js";
export {
  buildRecordingRoutes,
  codesOf,
  documentedErrorCodes,
  documentedOperations,
  registeredOperations,
  type OpenApiDocument,
} from "./http/openapi-coverage.js";
export { healthRoutes } from "./http/health-routes.js";
export { AccessErrors, createAuthenticate, requireAdmin, type AccessCheck } from "./http/authenticate.js";
export {
  MAX_ACCESS_TOKEN_TTL_SECONDS,
  createAccessTokenVerifier,
  type AccessTokenVerifier,
  type VerifiedCustomer,
} from "./http/access-token-verifier.js";
export {
  ACCESS_REVOKED_CHANNEL,
  applyAccessFacts,
  createAccessProjectionHandlers,
  createPgAccessCheck,
  isTombstoned,
  purgeRevokedSessions,
  recordRevokedSession,
  tombstoneCustomer,
  type AccessRevoked,
} from "./access/pg-access-projection.js";
export { isPostgresUnavailable } from "./dependency-errors.js";
export { createTcpPath } from "./tcp-path.js";
export {
  PAGE_HEADERS,
  PAGE_LOCALES,
  PAGE_STYLESHEET,
  createOriginCheck,
  createPageRenderer,
  isSameSitePost,
  pageLocale,
  prefersHtml,
  sendPage,
  setPageErrorHandler,
  type PageLocale,
  type PageRenderer,
} from "./http/pages.js";
