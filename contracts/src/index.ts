export { createKafka, type EventLogger, type KafkaClientOptions } from "./kafka.js";
export { createKafkaCheck, createSchemaRegistryCheck, type DependencyCheck } from "./readiness.js";
export {
  AppError,
  CORRELATION_ID_HEADER,
  ErrorResponse,
  createServerOptions,
  registerHttpConventions,
} from "./http/conventions.js";
export { healthRoutes } from "./http/health-routes.js";
