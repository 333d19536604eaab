import { register } from "node:module";

/**
 * Preloaded by every service (`node --import @coffer/contracts/tracing/register dist/main.js`):
 * with OTLP configured through the standard variables it starts tracing before any module the
 * instrumentations patch is loaded; otherwise it loads nothing and tracing stays off.
 */
const { OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_TRACES_EXPORTER, OTEL_SDK_DISABLED } =
  process.env;
const configured =
  Boolean(OTEL_EXPORTER_OTLP_ENDPOINT || OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ||
  (OTEL_TRACES_EXPORTER !== undefined && OTEL_TRACES_EXPORTER !== "none");

if (configured && OTEL_SDK_DISABLED !== "true") {
  const { createAddHookMessageChannel } = await import("import-in-the-middle");
  // Only the modules an instrumentation asks for are wrapped, not every module the service loads.
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register("import-in-the-middle/hook.mjs", import.meta.url, registerOptions);
  const { startTracing } = await import("./sdk.js");
  startTracing();
  await waitForAllMessagesAcknowledged();
}
