export { AppError } from "../errors.js";
export {
  CORRELATION_ID_HEADER,
  ErrorResponse,
  HTTP_ERRORS,
  createErrorResponses,
  errorResponseOf,
  createServerOptions,
  loggableUrl,
  registerHttpConventions,
} from "./conventions.js";
export { BEARER_AUTH, documentOnly, registerOpenApi, type DocumentedAnswer } from "./openapi.js";
export { healthRoutes } from "./health-routes.js";
export { createKafkaCheck, createSchemaRegistryCheck, type DependencyCheck } from "./readiness.js";
export { packageVersion, registerHealth } from "./service-info.js";
export { runService } from "./run-service.js";
export { createStartup, type StartOptions, type Startup } from "./startup.js";
export { AccessErrors, createAuthenticate, requireAdmin, type AccessCheck } from "./authenticate.js";
export {
  MAX_ACCESS_TOKEN_TTL_SECONDS,
  createAccessTokenVerifier,
  type AccessTokenVerifier,
  type VerifiedCustomer,
} from "./access-token-verifier.js";
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
} from "./pages.js";
