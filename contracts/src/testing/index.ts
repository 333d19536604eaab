export { createTestDatabase, type TestDatabase } from "./test-database.js";
export { createTokenIssuer, type TokenIssuer } from "./token-issuer.js";
export { createEventTap, type EventTap } from "./event-tap.js";
export { mailsTo, waitForMail, waitForMails, type Mail } from "./mailhog.js";
export { createTcpPath } from "./tcp-path.js";
export { readInfraEnv } from "./infra-env.js";
export { freePort } from "./free-port.js";
export {
  buildRecordingRoutes,
  codesOf,
  documentedErrorCodes,
  documentedOperations,
  registeredOperations,
  type DocumentedOperation,
  type OpenApiDocument,
} from "./openapi-coverage.js";
export { describeOpenApiDocument } from "./openapi-checks.js";
export { appStarter, expectLiveAndReady, itClosesOnSigterm, spawnMain } from "./service-checks.js";
export { createOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "./otlp-receiver.js";
export {
  dashboardQueries,
  prometheusClient,
  startPrometheus,
  type DashboardQuery,
  type Prometheus,
  type PrometheusRange,
  type PrometheusSample,
} from "./prometheus.js";
export { scrapeMetrics } from "./metrics-scrape.js";
export type { Sample, Scrape } from "../metrics/metrics-text.js";
