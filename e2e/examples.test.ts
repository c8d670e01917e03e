// SPDX-License-Identifier: Apache-2.0
// Every example, run as its README says, exporting over OTLP/HTTP to the real local stack; then the collector's
// audit files, Jaeger's query API and the SIEM receiver's file are read back and checked against each other.
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../collector-config/scripts/stack.mjs";
import { type NodeRun, otlpAppEnv, runNode } from "./support/child.ts";
import { type JaegerTrace, getJaegerTrace, jaegerParents } from "./support/jaeger.ts";
import { type FileLogRecord, type FileSpan, readFileSpans, readLogRecords, readSpanServices } from "./support/otlp-files.ts";
import { pollUntil, pollUntilStable } from "./support/poll.ts";
import { type SyslogMessage, parseRfc5424, readSyslogLines } from "./support/rfc5424.ts";
import { spanIdOfRun, traceIdOfRun } from "./support/run-ids.ts";
import { RUN_END, RUN_ERROR, RUN_START, parentRunIdOf, recordsOfRun, runSpans, siemLinesOfRun, siemParams } from "./support/runs.ts";
import { useStack } from "./support/stack.ts";

interface ExampleCase {
  name: string;
  /** The distinct `session.id` values the example's runs carry. */
  sessionIds: string[];
  /** HTTP request spans the root runs start inside (0: every root run starts outside any span). */
  requestSpans: number;
}

const EXAMPLES: ExampleCase[] = [
  { name: "quickstart", sessionIds: ["demo-session-1"], requestSpans: 0 },
  { name: "tool-agent", sessionIds: ["demo-session-7"], requestSpans: 0 },
  { name: "langgraph", sessionIds: [], requestSpans: 0 },
  { name: "rag", sessionIds: [], requestSpans: 0 },
  { name: "http-server", sessionIds: ["session-alice", "session-bob"], requestSpans: 4 },
];

/** How long to wait for asynchronous delivery (file exporter, Jaeger and SIEM queues, rsyslog). */
const DELIVERY_TIMEOUT_MILLIS = 20_000;
/** OTLP numbers span kinds from 1: SERVER is 2. */
const OTLP_SPAN_KIND_SERVER = 2;

const stack = useStack("examples");

const sorted = (values: Iterable<string>) => [...values].sort();

describe.each(EXAMPLES)("example $name through the real stack", (example) => {
  const service = `e2e-${example.name}`;
  let app: NodeRun;
  /** Spans the example added to traces.jsonl. */
  let spans: FileSpan[] = [];
  /** Run ID → span. */
  let runs = new Map<string, FileSpan>();
  let newSpanServices: string[] = [];

  beforeAll(async () => {
    const before = new Set(readFileSpans(stack.paths.tracesFile).map((s) => s.spanId));
    app = await runNode(["--import", "@langchain-otel/node/register", "src/main.mjs"], {
      cwd: path.join(REPO_ROOT, "examples", example.name),
      env: otlpAppEnv(service, { LANGCHAIN_OTEL_CONTENT_POLICY: "full" }),
      timeoutMillis: 60_000,
    });
    // The example's shutdown flushed before it exited; wait until the file stops growing all the same.
    const { value } = await pollUntilStable(
      () => readFileSpans(stack.paths.tracesFile).filter((s) => !before.has(s.spanId)),
      (found) => String(found.length),
      { timeoutMillis: DELIVERY_TIMEOUT_MILLIS, quietMillis: 1000, ready: (found) => found.length > 0 },
    );
    spans = value ?? [];
    runs = runSpans(spans);
    const services = readSpanServices(stack.paths.tracesFile);
    newSpanServices = spans.map((s) => services.get(s.spanId) ?? "(none)");
    console.log(
      `[${service}] exit ${app.code} after ${Math.round(app.elapsedMillis)} ms; ${runs.size} runs, ${spans.length} spans ` +
        `in ${new Set(spans.map((s) => s.traceId)).size} trace(s)`,
    );
  }, 120_000);

  it("exits 0 and exports one span per run whose IDs are the run's", () => {
    expect(app.timedOut).toBe(false);
    expect({ code: app.code, stderr: app.stderr }).toEqual({ code: 0, stderr: "" });
    expect(runs.size).toBeGreaterThan(0);
    expect(new Set(newSpanServices)).toEqual(new Set([service]));

    for (const [runId, span] of runs) {
      expect(span.spanId, `span of run ${runId}`).toBe(spanIdOfRun(runId));
      const parentRunId = parentRunIdOf(span);
      if (parentRunId !== undefined) {
        const parent = runs.get(parentRunId);
        expect(parent, `parent run ${parentRunId} of ${runId} (${span.name})`).toBeDefined();
        expect({ traceId: span.traceId, parentSpanId: span.parentSpanId }).toEqual({ traceId: parent!.traceId, parentSpanId: parent!.spanId });
      }
    }

    const roots = [...runs].filter(([, span]) => parentRunIdOf(span) === undefined);
    expect(roots.length).toBeGreaterThan(0);
    if (example.requestSpans === 0) {
      for (const [runId, span] of roots) {
        expect({ traceId: span.traceId, parentSpanId: span.parentSpanId || undefined }, `root run ${runId}`).toEqual({
          traceId: traceIdOfRun(runId),
          parentSpanId: undefined,
        });
      }
    } else {
      // Each request span (not a run) parents exactly one root run, in its own trace.
      const requests = spans.filter((s) => s.kind === OTLP_SPAN_KIND_SERVER && !s.attributes["langchain.run_id"]);
      expect(requests).toHaveLength(example.requestSpans);
      expect(sorted(roots.map(([, span]) => `${span.traceId}/${span.parentSpanId}`))).toEqual(
        sorted(requests.map((r) => `${r.traceId}/${r.spanId}`)),
      );
    }

    const sessions = new Set([...runs.values()].map((s) => s.attributes["session.id"]).filter((v) => v !== undefined));
    expect(sorted(sessions as Set<string>)).toEqual(sorted(example.sessionIds));
  });

  it("writes exactly one start and one end (or error) audit record per run, in the run's span context", async () => {
    expect(runs.size).toBeGreaterThan(0);
    const read = () => readLogRecords(stack.paths.logsFile).filter((r) => r.resource["service.name"] === service);
    const { value: records = [] } = await pollUntil(read, (found) => found.length >= 2 * runs.size, {
      timeoutMillis: DELIVERY_TIMEOUT_MILLIS,
    });

    for (const [runId, span] of runs) {
      const { start, end } = recordsOfRun(records, runId);
      expect({ runId, starts: start.length, ends: end.length }).toEqual({ runId, starts: 1, ends: 1 });
      for (const record of [...start, ...end]) {
        expect({ traceId: record.traceId, spanId: record.spanId, eventName: record.eventName }).toEqual({
          traceId: span.traceId,
          spanId: span.spanId,
          eventName: record.attributes["event.name"],
        });
        expect(record.attributes).toMatchObject({
          "langchain.run_id": runId,
          "langchain.run_type": span.attributes["langchain.run_type"],
        });
        if (span.attributes["session.id"] !== undefined) expect(record.attributes["session.id"]).toBe(span.attributes["session.id"]);
      }
      const [last] = end as [FileLogRecord];
      expect(["ok", "error", "interrupted"]).toContain(last.attributes["langchain.status"]);
      expect(last.attributes["langchain.status"] === "error").toBe(last.attributes["event.name"] === RUN_ERROR);
      expect(last.attributes["langchain.duration_ms"]).toBeGreaterThanOrEqual(0);
    }
    // Nothing beyond the records of the runs above.
    expect(records).toHaveLength(2 * runs.size);
  });

  it("is in Jaeger: each root run's trace with the same span IDs, parents and service", async () => {
    expect(runs.size).toBeGreaterThan(0);
    const roots = [...runs].filter(([, span]) => parentRunIdOf(span) === undefined);
    // A root run outside any span is looked up by its run ID; one inside a request span by that span's trace.
    const traceIds = [...new Set(roots.map(([runId, span]) => (example.requestSpans === 0 ? traceIdOfRun(runId) : span.traceId)))];
    const expected = new Map(traceIds.map((traceId) => [traceId, spans.filter((s) => s.traceId === traceId)]));

    const read = async () => new Map(await Promise.all(traceIds.map(async (id) => [id, await getJaegerTrace(id)] as const)));
    const { value: traces = new Map<string, JaegerTrace | undefined>() } = await pollUntil(
      read,
      (found) => traceIds.every((id) => found.get(id)?.spans.length === expected.get(id)!.length),
      { timeoutMillis: DELIVERY_TIMEOUT_MILLIS },
    );

    for (const traceId of traceIds) {
      const trace = traces.get(traceId);
      expect(trace, `Jaeger trace ${traceId}`).toBeDefined();
      const fileSpans = expected.get(traceId)!;
      expect(trace!.traceID).toBe(traceId);
      expect(sorted(trace!.spans.map((s) => s.spanID))).toEqual(sorted(fileSpans.map((s) => s.spanId)));
      expect(Object.fromEntries(jaegerParents(trace!))).toEqual(
        Object.fromEntries(fileSpans.map((s) => [s.spanId, s.parentSpanId || undefined])),
      );
      expect(new Set(trace!.spans.map((s) => trace!.processes[s.processID]?.serviceName))).toEqual(new Set([service]));
    }
  });

  it("reaches the SIEM: one RFC 5424 line per audit record, with the run's IDs and session", async () => {
    expect(runs.size).toBeGreaterThan(0);
    const read = () => readSyslogLines(stack.paths.siemFile);
    const mine = (lines: string[]) => lines.map(parseRfc5424).filter((m) => m.appName === service);
    const { value: lines = [] } = await pollUntil(read, (found) => mine(found).length >= 2 * runs.size, {
      timeoutMillis: DELIVERY_TIMEOUT_MILLIS,
    });

    // Every line in the receiver's file is RFC 5424 (parseRfc5424 throws otherwise).
    const messages: SyslogMessage[] = lines.map(parseRfc5424).filter((m) => m.appName === service);
    for (const [runId, span] of runs) {
      const { start, end } = siemLinesOfRun(messages, runId);
      expect({ runId, starts: start.length, ends: end.length }).toEqual({ runId, starts: 1, ends: 1 });
      for (const message of [...start, ...end]) {
        const params = siemParams(message);
        expect({ version: message.version, msgId: message.msgId, traceId: params.trace_id, spanId: params.span_id }).toEqual({
          version: 1,
          msgId: params["event.name"],
          traceId: span.traceId,
          spanId: span.spanId,
        });
        expect([RUN_START, RUN_END, RUN_ERROR]).toContain(params["event.name"]);
        // Facility 13 (log audit); severity err for an error record, else info.
        expect({ facility: message.facility, severity: message.severity }).toEqual({
          facility: 13,
          severity: params["event.name"] === RUN_ERROR ? 3 : 6,
        });
        expect(message.timestamp).not.toBe("-");
        expect(params["session.id"]).toBe(span.attributes["session.id"]);
      }
    }
    expect(messages).toHaveLength(2 * runs.size);
  });
});
