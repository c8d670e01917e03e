// SPDX-License-Identifier: Apache-2.0
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SpanStatusCode, context, logs, metrics, propagation, trace, type Span } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { OpenTelemetryCallbackHandler } from "@langchain-otel/instrumentation";
import { ConfigurationError, readAppName } from "../src/settings.js";
import { getHandle, start } from "../src/start.js";
import { readFileLogRecords, readFileSpans, spanIdOf, traceIdOf } from "./helpers.js";
import { itemsOf, oneTo, startCollector } from "./spool/collector.js";

const EXIT_EVENTS = ["beforeExit", "SIGTERM", "SIGINT"] as const;
const listenerCounts = () => EXIT_EVENTS.map((event) => process.listenerCount(event));

let auditDir: string;
let memory: InMemorySpanExporter;
let baseline: number[];

beforeEach(() => {
  auditDir = mkdtempSync(path.join(tmpdir(), "start-"));
  memory = new InMemorySpanExporter();
  baseline = listenerCounts();
  // Whatever the developer's shell has, these tests start from an unconfigured environment.
  for (const name of Object.keys(process.env)) {
    if (name.startsWith("OTEL_") || name.startsWith("LANGCHAIN_OTEL_")) vi.stubEnv(name, "");
  }
  // OTLP tests spool (if at all) inside the test's directory, not in the working directory.
  vi.stubEnv("LANGCHAIN_OTEL_SPOOL_DIR", path.join(auditDir, "spool"));
});

afterEach(async () => {
  await getHandle()?.shutdown();
  // One process runs every test of this file: give the next start() a fresh global API.
  disableGlobals();
  vi.unstubAllEnvs();
  rmSync(auditDir, { recursive: true, force: true });
});

function disableGlobals(): void {
  trace.disable();
  metrics.disable();
  logs.disable();
  context.disable();
  propagation.disable();
}

const withMemory = () => [new SimpleSpanProcessor({ exporter: memory })];

/** Emits an audit-shaped log record through the global LoggerProvider, in the context of a span it starts and ends. */
function emitInSpan(name = "request"): Span {
  const span = trace.getTracer("test").startSpan(name);
  context.with(trace.setSpan(context.active(), span), () => {
    logs.getLogger("t").emit({
      eventName: "langchain.run.start",
      attributes: { "event.name": "langchain.run.start" },
      context: context.active(),
    });
  });
  span.end();
  return span;
}

describe("start", () => {
  it("exports a span to the added processor and to the audit file", async () => {
    const handle = start({ auditDir, spanProcessors: withMemory() });
    expect(handle).toMatchObject({ enabled: true, exporter: "file", auditDir });
    expect(getHandle()).toBe(handle);
    await expect(handle.ready).resolves.toBeUndefined();

    trace.getTracer("test").startSpan("manual").end();
    await handle.forceFlush();
    const [span] = memory.getFinishedSpans();
    expect(span?.name).toBe("manual");
    expect(span?.resource.attributes["service.name"]).toBe(readAppName(process.cwd()) ?? "langchain-app");

    await handle.shutdown();
    expect(readFileSpans(path.join(auditDir, "traces.jsonl")).map((s) => s.name)).toEqual(["manual"]);
  });

  it("writes the GenAI metrics to metrics.jsonl (the collector's file format) at shutdown", async () => {
    const handle = start({ auditDir, contentPolicy: "full" });
    const handler = new OpenTelemetryCallbackHandler();
    const runId = randomUUID();
    handler.handleChatModelStart({ id: ["ChatOpenAI"] }, [[{ type: "human", content: "hi" }]], runId, undefined, {}, [], {
      ls_provider: "openai",
      ls_model_name: "gpt-4o-mini",
    });
    const message = { type: "ai", content: "ok", usage_metadata: { input_tokens: 11, output_tokens: 7 }, response_metadata: { model_name: "gpt-4o-mini" } };
    handler.handleLLMEnd({ generations: [[{ text: "ok", message }]] }, runId);
    await handle.shutdown();
    const lines = readFileSync(path.join(auditDir, "metrics.jsonl"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(1);
    const metrics = JSON.parse(lines[0]!).resourceMetrics[0].scopeMetrics.flatMap((s: { metrics: unknown[] }) => s.metrics);
    const usage = metrics.find((m: { name: string }) => m.name === "gen_ai.client.token.usage");
    expect(usage.unit).toBe("{token}");
    expect(usage.histogram.aggregationTemporality).toBe(2);
    expect(
      usage.histogram.dataPoints.map((p: { attributes: { key: string; value: { stringValue: string } }[]; count: string; sum: number }) => [
        p.attributes.find((a) => a.key === "gen_ai.token.type")!.value.stringValue,
        p.count,
        p.sum,
      ]),
    ).toEqual([
      ["input", "1", 11],
      ["output", "1", 7],
    ]);
    // 11 input tokens fall in the (4, 16] bucket of the spec's boundaries.
    expect(usage.histogram.dataPoints[0].bucketCounts).toEqual(["0", "0", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"]);
    // 11 × 0.15 + 7 × 0.6 per million: the built-in price of gpt-4o-mini.
    const cost = metrics.find((m: { name: string }) => m.name === "langchain.gen_ai.cost");
    expect(cost.sum.dataPoints[0].asDouble).toBe(0.00000585);
    expect(cost.sum.isMonotonic).toBe(true);
  });

  it("creates the audit directory", async () => {
    const nested = path.join(auditDir, "a", "b");
    const handle = start({ auditDir: nested });
    expect(handle.auditDir).toBe(nested);
    expect(existsSync(nested)).toBe(true);
  });

  it("takes the service name from OTEL_SERVICE_NAME, and from the option over it", async () => {
    vi.stubEnv("OTEL_SERVICE_NAME", "from-env");
    let handle = start({ auditDir, spanProcessors: withMemory() });
    trace.getTracer("test").startSpan("a").end();
    await handle.forceFlush();
    expect(memory.getFinishedSpans()[0]?.resource.attributes["service.name"]).toBe("from-env");
    await handle.shutdown();
    disableGlobals();

    memory = new InMemorySpanExporter();
    handle = start({ auditDir, serviceName: "from-option", spanProcessors: withMemory() });
    trace.getTracer("test").startSpan("b").end();
    await handle.forceFlush();
    expect(memory.getFinishedSpans()[0]?.resource.attributes["service.name"]).toBe("from-option");
  });

  it("ends a run still open at shutdown as ERROR, with the run's IDs", async () => {
    const handle = start({ auditDir });
    const runId = "01a20d2f-1fa9-7120-a01e-e9d9ca842143";
    handle.instrumentation!.handler.handleChainStart({ id: ["test", "Chain"] }, {}, runId, undefined, [], {}, "chain", "stuck");
    expect(handle.instrumentation!.handler.openRunCount).toBe(1);

    await handle.shutdown();
    expect(handle.instrumentation!.handler.openRunCount).toBe(0);
    const [span] = readFileSpans(path.join(auditDir, "traces.jsonl"));
    expect(span).toMatchObject({ name: "stuck", traceId: traceIdOf(runId), spanId: spanIdOf(runId), status: { code: SpanStatusCode.ERROR } });
    // The error record emitted while ending it is flushed too, before the SDK shuts down.
    const records = readFileLogRecords(path.join(auditDir, "logs.jsonl"));
    expect(records.map((r) => [r.eventName, r.traceId, r.spanId])).toEqual([
      ["langchain.run.start", traceIdOf(runId), spanIdOf(runId)],
      ["langchain.run.error", traceIdOf(runId), spanIdOf(runId)],
    ]);
  });

  it("returns the running handle when called again", () => {
    const handle = start({ auditDir });
    expect(start({ auditDir: path.join(auditDir, "other") })).toBe(handle);
  });
});

describe("audit records", () => {
  it("land in logs.jsonl at shutdown, with the trace and span ID of the span they were emitted in", async () => {
    const handle = start({ auditDir });
    expect(handle.instrumentation!.getConfig()).toMatchObject({ emitSpans: true, emitAuditRecords: true });
    const span = emitInSpan();

    await handle.shutdown();
    const { traceId, spanId } = span.spanContext();
    expect(readFileLogRecords(path.join(auditDir, "logs.jsonl"))).toEqual([
      {
        timeUnixNano: expect.stringMatching(/^\d+$/),
        observedTimeUnixNano: expect.stringMatching(/^\d+$/),
        body: {},
        attributes: [
          { key: "event.name", value: { stringValue: "langchain.run.start" } },
          { key: "audit.chain", value: { stringValue: handle.chainId } },
          { key: "audit.seq", value: { intValue: "1" } },
          { key: "audit.hash", value: { stringValue: expect.stringMatching(/^[0-9a-f]{64}$/) } },
        ],
        flags: 1,
        traceId,
        spanId,
        eventName: "langchain.run.start",
      },
    ]);
    expect(readFileSpans(path.join(auditDir, "traces.jsonl")).map((s) => [s.name, s.spanId])).toEqual([["request", spanId]]);
  });

  it("are exported by forceFlush", async () => {
    const handle = start({ auditDir });
    emitInSpan();
    await handle.forceFlush();
    expect(readFileLogRecords(path.join(auditDir, "logs.jsonl"))).toHaveLength(1);
  });

  it("leave no logs.jsonl when there are none", async () => {
    const handle = start({ auditDir });
    trace.getTracer("test").startSpan("no-records").end();
    await handle.shutdown();
    expect(existsSync(path.join(auditDir, "traces.jsonl"))).toBe(true);
    expect(existsSync(path.join(auditDir, "logs.jsonl"))).toBe(false);
  });

  it("LANGCHAIN_OTEL_AUDIT_RECORDS=false: the instrumentation is told, no log processor is added, no file is written", async () => {
    vi.stubEnv("LANGCHAIN_OTEL_AUDIT_RECORDS", "false");
    const handle = start({ auditDir });
    expect(handle.instrumentation!.getConfig()).toMatchObject({ emitSpans: true, emitAuditRecords: false });
    // The SDK's logger is enabled as soon as one processor is there; it is not.
    expect(logs.getLogger("t").enabled()).toBe(false);
    emitInSpan();
    await handle.shutdown();
    expect(existsSync(path.join(auditDir, "logs.jsonl"))).toBe(false);
    expect(readFileSpans(path.join(auditDir, "traces.jsonl")).map((s) => s.name)).toEqual(["request"]);
  });

  it("with audit records on, the global logger is enabled", () => {
    start({ auditDir });
    expect(logs.getLogger("t").enabled()).toBe(true);
  });

  it("the options emitSpans and emitAuditRecords win over their variables and reach the instrumentation", () => {
    vi.stubEnv("LANGCHAIN_OTEL_SPANS", "true");
    vi.stubEnv("LANGCHAIN_OTEL_AUDIT_RECORDS", "true");
    const handle = start({ auditDir, emitSpans: false, emitAuditRecords: false });
    expect(handle.instrumentation!.getConfig()).toMatchObject({ emitSpans: false, emitAuditRecords: false });
  });

  it("redaction options reach the instrumentation; a bad one stops start()", () => {
    const rules = [{ name: "order", pattern: /ORD-\d+/g }];
    const handle = start({ auditDir, redaction: { rules }, redactionReplacement: "marker" });
    expect(handle.instrumentation!.getConfig()).toMatchObject({ redaction: { rules }, redactionReplacement: "marker" });
    return handle.shutdown().then(() => {
      // A key too short to be one (hmac without any key uses a random per-process key instead).
      expect(() => start({ auditDir, redactionReplacement: "hmac", redaction: { hmacKey: "short" } })).toThrow(
        new ConfigurationError("option hmacKey is 5 bytes; at least 16 are required"),
      );
      expect(getHandle()).toBeUndefined();
    });
  });
});

describe("shutdown", () => {
  it("is idempotent and releases the process hooks and the handle", async () => {
    const handle = start({ auditDir, spanProcessors: withMemory() });
    expect(listenerCounts()).toEqual(baseline.map((n) => n + 1));
    const first = handle.shutdown();
    expect(handle.shutdown()).toBe(first);
    await first;
    await handle.shutdown();
    expect(listenerCounts()).toEqual(baseline);
    expect(getHandle()).toBeUndefined();
    // Spans after shutdown go nowhere, and nothing throws.
    trace.getTracer("test").startSpan("late").end();
    await handle.forceFlush();
    expect(readFileSpans(path.join(auditDir, "traces.jsonl"))).toEqual([]);
  });
});

describe("disabled", () => {
  it.each([["LANGCHAIN_OTEL_DISABLED"], ["OTEL_SDK_DISABLED"]])("%s=true: a handle that does nothing", async (name) => {
    vi.stubEnv(name, "true");
    const dir = path.join(auditDir, "never");
    const handle = start({ auditDir: dir, spanProcessors: withMemory() });
    expect(handle).toMatchObject({ enabled: false, exporter: "none", auditDir: undefined, instrumentation: undefined });
    expect(getHandle()).toBe(handle);
    expect(listenerCounts()).toEqual(baseline);
    expect(trace.getTracer("test").startSpan("noop").isRecording()).toBe(false);
    await expect(handle.forceFlush()).resolves.toBeUndefined();
    await expect(handle.shutdown()).resolves.toBeUndefined();
    expect(existsSync(dir)).toBe(false);
    expect(memory.getFinishedSpans()).toEqual([]);
  });

  it("the disabled option does the same", () => {
    expect(start({ disabled: true, auditDir }).enabled).toBe(false);
  });
});

describe("configuration errors", () => {
  it("throws at startup, naming the variable, and leaves nothing behind", () => {
    vi.stubEnv("LANGCHAIN_OTEL_CONTENT_POLICY", "fulll");
    expect(() => start({ auditDir })).toThrow(new ConfigurationError('LANGCHAIN_OTEL_CONTENT_POLICY="fulll" is not one of: redacted, full, none'));
    expect(getHandle()).toBeUndefined();
    expect(listenerCounts()).toEqual(baseline);
  });

  it("OTEL_BSP_MAX_EXPORT_BATCH_SIZE=0 fails at startup, naming the variable (the SDK's processor would loop on it)", () => {
    vi.stubEnv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "0");
    expect(() => start({ auditDir })).toThrow(new ConfigurationError('OTEL_BSP_MAX_EXPORT_BATCH_SIZE="0" is not a positive integer'));
    expect(getHandle()).toBeUndefined();
    expect(listenerCounts()).toEqual(baseline);
  });

  it("after start, setConfig never throws and the environment is not read again", () => {
    const handle = start({ auditDir, contentPolicy: "full" });
    vi.stubEnv("LANGCHAIN_OTEL_CONTENT_POLICY", "bogus");
    expect(() => handle.instrumentation!.setConfig({ ...handle.instrumentation!.getConfig(), maxPayloadBytes: 100 })).not.toThrow();
    expect(handle.instrumentation!.getConfig()).toMatchObject({ contentPolicy: "full", maxPayloadBytes: 100 });
    expect(() => handle.instrumentation!.setConfig({ runTtlMillis: -1 })).not.toThrow();
    expect(handle.instrumentation!.getConfig()).toMatchObject({ contentPolicy: "full", maxPayloadBytes: 100 });
  });

  it("an audit directory that cannot be created is a configuration error", () => {
    const file = path.join(auditDir, "a-file");
    writeFileSync(file, "");
    expect(() => start({ auditDir: path.join(file, "audit") })).toThrow(ConfigurationError);
    expect(() => start({ auditDir: path.join(file, "audit") })).toThrow(/^audit directory ".*a-file\/audit" cannot be written \(ENOTDIR: not a directory/);
    expect(getHandle()).toBeUndefined();
  });
});

describe("OTLP/HTTP", () => {
  interface Received {
    path: string | undefined;
    headers: IncomingHttpHeaders;
    body: string;
  }
  async function collector(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
    const received: Received[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      req.on("end", () => {
        // Metrics (protobuf) may arrive too; these tests look at traces and logs.
        received.push({ path: req.url, headers: req.headers, body });
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }
  const traceRequests = (received: Received[]) => received.filter((r) => r.path === "/v1/traces");
  const logRequests = (received: Received[]) => received.filter((r) => r.path === "/v1/logs");

  it("sends spans to OTEL_EXPORTER_OTLP_ENDPOINT as OTLP/JSON, with OTEL_EXPORTER_OTLP_HEADERS", async () => {
    const server = await collector();
    try {
      vi.stubEnv("OTEL_EXPORTER_OTLP_ENDPOINT", server.url);
      vi.stubEnv("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=secret");
      vi.stubEnv("OTEL_METRICS_EXPORTER", "none");
      const handle = start({ auditDir });
      expect(handle).toMatchObject({ exporter: "otlp", auditDir: undefined });
      trace.getTracer("test").startSpan("over-the-wire").end();
      await handle.shutdown();

      const [request] = traceRequests(server.received);
      expect(request?.headers["content-type"]).toBe("application/json");
      expect(request?.headers["x-api-key"]).toBe("secret");
      expect(request?.body).toContain('"name":"over-the-wire"');
      expect(existsSync(path.join(auditDir, "traces.jsonl"))).toBe(false);
    } finally {
      await server.close();
    }
  });

  it("sends spans to <otlpEndpoint>/v1/traces and audit records to <otlpEndpoint>/v1/logs", async () => {
    const server = await collector();
    try {
      vi.stubEnv("OTEL_METRICS_EXPORTER", "none");
      const handle = start({ otlpEndpoint: server.url });
      const span = emitInSpan("via-option");
      await handle.shutdown();
      expect(traceRequests(server.received).map((r) => r.body)).toEqual([expect.stringContaining('"name":"via-option"')]);
      expect(logRequests(server.received).map((r) => r.body)).toEqual([expect.stringContaining(`"spanId":"${span.spanContext().spanId}"`)]);
    } finally {
      await server.close();
    }
  });

  it("sends audit records to OTEL_EXPORTER_OTLP_ENDPOINT/v1/logs as OTLP/JSON, in the span's context", async () => {
    const server = await collector();
    try {
      vi.stubEnv("OTEL_EXPORTER_OTLP_ENDPOINT", server.url);
      vi.stubEnv("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=secret");
      vi.stubEnv("OTEL_METRICS_EXPORTER", "none");
      const handle = start({ auditDir });
      const span = emitInSpan();
      await handle.shutdown();

      const [request, ...more] = logRequests(server.received);
      expect(more).toEqual([]);
      expect(request?.headers["content-type"]).toBe("application/json");
      expect(request?.headers["x-api-key"]).toBe("secret");
      const body = JSON.parse(request!.body) as { resourceLogs: [{ scopeLogs: [{ logRecords: [Record<string, unknown>] }] }] };
      expect(body.resourceLogs[0].scopeLogs[0].logRecords[0]).toMatchObject({
        eventName: "langchain.run.start",
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
      });
      expect(existsSync(path.join(auditDir, "logs.jsonl"))).toBe(false);
    } finally {
      await server.close();
    }
  });

  it("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT alone: audit records over OTLP, spans to the audit file", async () => {
    const server = await collector();
    try {
      vi.stubEnv("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", `${server.url}/v1/logs`);
      const handle = start({ auditDir });
      expect(handle).toMatchObject({ exporter: "file", auditDir });
      emitInSpan("local");
      await handle.shutdown();
      expect(logRequests(server.received)).toHaveLength(1);
      expect(traceRequests(server.received)).toEqual([]);
      expect(readFileSpans(path.join(auditDir, "traces.jsonl")).map((s) => s.name)).toEqual(["local"]);
      expect(existsSync(path.join(auditDir, "logs.jsonl"))).toBe(false);
    } finally {
      await server.close();
    }
  });
});

describe("integrity stamping and the instance ID", () => {
  /** Every line's resource attributes, as {key: stringValue}, in a file of OTLP/JSON lines. */
  function resourcesIn(file: string): Array<Record<string, unknown>> {
    return readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .flatMap((line) => {
        const request = JSON.parse(line) as Record<string, Array<{ resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> } }>>;
        return Object.values(request).flatMap((resources) =>
          resources.map((r) => Object.fromEntries(r.resource.attributes.map((a) => [a.key, a.value.stringValue]))),
        );
      });
  }
  const seqOf = (item: { attributes?: Array<{ key: string; value: Record<string, unknown> }> }): number =>
    Number(item.attributes?.find((a) => a.key === "audit.seq")?.value.intValue);
  const runChains = (handle: ReturnType<typeof start>, count: number): void => {
    for (let i = 0; i < count; i++) {
      const runId = randomUUID();
      handle.instrumentation!.handler.handleChainStart({ id: ["test", "Chain"] }, {}, runId, undefined, [], {}, "chain", `run-${i}`);
      handle.instrumentation!.handler.handleChainEnd({}, runId);
    }
  };

  it("a random service.instance.id per process, on the handle and on every exported resource", async () => {
    const handle = start({ auditDir });
    expect(handle.instanceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    runChains(handle, 3);
    await handle.forceFlush();
    runChains(handle, 2);
    await handle.shutdown();
    const instances = [...resourcesIn(path.join(auditDir, "traces.jsonl")), ...resourcesIn(path.join(auditDir, "logs.jsonl"))].map(
      (r) => r["service.instance.id"],
    );
    expect(instances.length).toBeGreaterThanOrEqual(4);
    expect(new Set(instances)).toEqual(new Set([handle.instanceId]));
  });

  it("takes service.instance.id from OTEL_RESOURCE_ATTRIBUTES, and from the option over it", async () => {
    vi.stubEnv("OTEL_RESOURCE_ATTRIBUTES", "service.instance.id=from-env,deployment.environment.name=test");
    let handle = start({ auditDir });
    expect(handle.instanceId).toBe("from-env");
    trace.getTracer("test").startSpan("a").end();
    await handle.shutdown();
    expect(resourcesIn(path.join(auditDir, "traces.jsonl"))[0]).toMatchObject({ "service.instance.id": "from-env", "deployment.environment.name": "test" });
    disableGlobals();

    handle = start({ auditDir: path.join(auditDir, "second"), serviceInstanceId: "from-option" });
    trace.getTracer("test").startSpan("b").end();
    await handle.shutdown();
    expect(handle.instanceId).toBe("from-option");
    expect(resourcesIn(path.join(auditDir, "second", "traces.jsonl"))[0]).toMatchObject({ "service.instance.id": "from-option" });
  });

  it("stamps audit.seq 1..N without gaps on spans and on audit records, across batches", async () => {
    vi.stubEnv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "4");
    vi.stubEnv("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "4");
    const handle = start({ auditDir, spanProcessors: withMemory() });
    runChains(handle, 10);
    await handle.forceFlush();
    runChains(handle, 5);
    await handle.forceFlush();
    // The app's own processor is outside the chain, after it: it sees the stamped spans.
    const seen = memory.getFinishedSpans().map((s) => s.attributes["audit.seq"]);
    await handle.shutdown();

    const spans = readFileSpans(path.join(auditDir, "traces.jsonl"));
    const records = readFileLogRecords(path.join(auditDir, "logs.jsonl"));
    expect(spans.map(seqOf)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(records.map(seqOf)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(readFileSync(path.join(auditDir, "traces.jsonl"), "utf8").trim().split("\n").length).toBeGreaterThan(1);
    expect(seen).toEqual(spans.map(seqOf));
    expect(handle.stats()).toEqual({
      spooledBatches: 0,
      replayedBatches: 0,
      rejectedBatches: 0,
      droppedItems: 0,
      queueDroppedSpans: 0,
      queueDroppedLogRecords: 0,
      spilledBatches: 0,
      pendingBatches: 0,
      exitDrainedItems: 0,
      recoveredItems: 0,
    });
  });

  /** A collector that takes its time, so a burst fills the queues while the first batch is in flight. */
  async function slowCollector() {
    const collector = await startCollector(() => ({ status: 200, delayMillis: 50 }));
    vi.stubEnv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.url);
    for (const prefix of ["OTEL_BSP", "OTEL_BLRP"]) {
      vi.stubEnv(`${prefix}_MAX_QUEUE_SIZE`, "2");
      vi.stubEnv(`${prefix}_MAX_EXPORT_BATCH_SIZE`, "2");
    }
    return collector;
  }

  it("a full queue spills to disk by default: a burst loses nothing", async () => {
    const collector = await slowCollector();
    try {
      const handle = start();
      // Synchronously, so the queues fill while the first export is in flight.
      runChains(handle, 10);
      await handle.shutdown();
      const stats = handle.stats();
      expect(stats).toMatchObject({ queueDroppedSpans: 0, queueDroppedLogRecords: 0, droppedItems: 0 });
      expect(stats.spilledBatches).toBeGreaterThan(0);
      // Delivered, or waiting in the spool: every seq once.
      const spooled = (signal: string) =>
        existsSync(path.join(auditDir, "spool", signal)) ? readdirSync(path.join(auditDir, "spool", signal)).map((f) => readFileSync(path.join(auditDir, "spool", signal, f), "utf8")) : [];
      const seqs = (bodies: string[], signal: "traces" | "logs") => itemsOf(bodies).filter((i) => i.signal === signal).map((i) => i.seq).sort((x, y) => x! - y!);
      expect(seqs([...collector.accepted("/v1/traces"), ...spooled("traces")], "traces")).toEqual(oneTo(10));
      expect(seqs([...collector.accepted("/v1/logs"), ...spooled("logs")], "logs")).toEqual(oneTo(20));
    } finally {
      await collector.close();
    }
  });

  it("queueOverflow drop: counted, said once on stderr, and each lost range written into the trail as a loss record", async () => {
    const collector = await slowCollector();
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const handle = start({ queueOverflow: "drop" });
      runChains(handle, 10);
      await handle.forceFlush();
      runChains(handle, 1);
      await handle.shutdown();

      const stats = handle.stats();
      expect(stats.queueDroppedSpans).toBeGreaterThan(0);
      expect(stats.queueDroppedLogRecords).toBeGreaterThan(0);
      const spans = itemsOf(collector.accepted("/v1/traces"));
      const records = itemsOf(collector.accepted("/v1/logs"));
      const losses = records.filter((r) => r.name === "langchain.audit.loss");
      // Every stamp was given out once: each dropped item is a seq missing from its chain, and covered by a loss record.
      const missing = (seqs: Array<number | undefined>, total: number) => oneTo(total).filter((n) => !seqs.includes(n));
      const covered = (signal: string) =>
        losses
          .filter((l) => l.attributes["audit.loss.signal"] === signal)
          .flatMap((l) => oneTo(Number(l.attributes["audit.loss.last_seq"])).filter((n) => n >= Number(l.attributes["audit.loss.first_seq"])));
      const spanSeqs = spans.map((s) => s.seq);
      expect(missing(spanSeqs, 11)).toHaveLength(stats.queueDroppedSpans);
      expect(covered("traces")).toEqual(missing(spanSeqs, 11));
      const recordTotal = Math.max(...records.map((r) => r.seq!));
      expect(missing(records.map((r) => r.seq), recordTotal)).toHaveLength(stats.queueDroppedLogRecords);
      expect(covered("logs")).toEqual(missing(records.map((r) => r.seq), recordTotal));
      expect(losses.every((l) => l.attributes["audit.loss.reason"] === "queue_full")).toBe(true);
      const lines = stderr.mock.calls.map(([text]) => String(text));
      expect(lines.filter((l) => l.includes("export queue is full")).sort()).toEqual([
        expect.stringMatching(/^\[langchain-otel\] the audit records export queue is full \(OTEL_BLRP_MAX_QUEUE_SIZE=2\) and LANGCHAIN_OTEL_QUEUE_OVERFLOW=drop: 1 audit records dropped so far;/),
        expect.stringMatching(/^\[langchain-otel\] the spans export queue is full \(OTEL_BSP_MAX_QUEUE_SIZE=2\) and LANGCHAIN_OTEL_QUEUE_OVERFLOW=drop: 1 spans dropped so far;/),
      ]);
    } finally {
      stderr.mockRestore();
      await collector.close();
    }
  });
});

