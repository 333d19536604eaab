import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const register = fileURLToPath(new URL("../src/tracing/register.ts", import.meta.url));
const tracing = new URL("../src/tracing/index.ts", import.meta.url).href;

/** What a process preloaded as the services are reports: whether it traces, and the traceparent an outbox row would get. */
function preloaded(env: Record<string, string>) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("OTEL_")));
  const script = `
    import { trace } from "@opentelemetry/api";
    import { activeTraceparent, isTracing } from "${tracing}";
    trace.getTracer("test").startActiveSpan("request", (span) => {
      console.log(JSON.stringify({ tracing: isTracing(), traceparent: activeTraceparent() ?? null, traceId: span.spanContext().traceId }));
      span.end();
    });`;
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", "--import", register, "--input-type=module", "-e", script],
    { env: { ...clean, ...env }, encoding: "utf8", timeout: 30_000 },
  );
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as {
    tracing: boolean;
    traceparent: string | null;
    traceId: string;
  };
}

describe("the tracing preload", () => {
  it("when no OTLP endpoint or traces exporter is configured, then tracing is off: no span, no trace context for events", () => {
    const off = { tracing: false, traceparent: null, traceId: "0".repeat(32) };
    expect(preloaded({})).toEqual(off);
    expect(preloaded({ OTEL_TRACES_EXPORTER: "none" })).toEqual(off);
  });

  it("when an OTLP endpoint is configured, then a span's context is what its events carry", () => {
    const on = preloaded({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9" });
    expect(on.tracing).toBe(true);
    expect(on.traceId).not.toBe("0".repeat(32));
    expect(on.traceparent).toMatch(new RegExp(`^00-${on.traceId}-[0-9a-f]{16}-01$`));
  });
});
