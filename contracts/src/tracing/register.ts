import { createRequire, register, syncBuiltinESMExports } from "node:module";

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
  // http and https patched now, and the patch copied to their ES module namespaces: a module that
  // imports them after a CommonJS one required them (minio after fastify) would get the originals.
  const require = createRequire(import.meta.url);
  require("node:http");
  require("node:https");
  syncBuiltinESMExports();
}
