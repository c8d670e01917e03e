// The collector SIGKILLed in the middle of a stream of runs and restarted a second later: a measurement of what
// reaches the audit files, Jaeger and the SIEM, not (yet) a no-loss guarantee. The test asserts that the numbers
// are consistent with each other and that the app was not held up; it prints what was lost, run by run.
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, kill, up } from "../collector-config/scripts/stack.mjs";
import { type NodeRun, otlpAppEnv, runNode } from "./support/child.ts";
import { findJaegerTraces, jaegerParents } from "./support/jaeger.ts";
import { readFileSpans, readLogRecords, readSpanServices } from "./support/otlp-files.ts";
import { pollUntilStable } from "./support/poll.ts";
import { parseRfc5424, readSyslogLines } from "./support/rfc5424.ts";
import { spanIdOfRun, traceIdOfRun } from "./support/run-ids.ts";
import { RUN_END, RUN_START, parentRunIdOf, runIdOf, siemParams } from "./support/runs.ts";
import { stackLog, useStack } from "./support/stack.ts";

const RUNS = 200;
/** The collector is killed when the app reports this run finished: about a third of the way. */
const KILL_AFTER_INDEX = 66;
const COLLECTOR_DOWN_MILLIS = 1000;
/** Each run is a chain and its nested lambda: two spans, two start and two end records. */
const SPANS_PER_RUN = 2;
const APP_TIMEOUT_MILLIS = 120_000;
/**
 * The bound on slowing the app down: the kill run may take at most this much longer than the undisturbed run.
 * An export to a dead collector fails at once (connection refused), and the OTLP exporter's own timeout is 10 s,
 * so anything beyond 15 s more would mean the app waited on telemetry.
 */
const MAX_EXTRA_MILLIS = 15_000;
/** How long downstream delivery (Jaeger, SIEM: persistent queues, retried with back-off) may take to settle. */
const SETTLE_TIMEOUT_MILLIS = 90_000;
const SETTLE_QUIET_MILLIS = 3_000;

const APP_DIR = path.join(REPO_ROOT, "e2e", "fixtures");
const stack = useStack("collector-kill");
const log = stackLog("collector-kill");

interface AppResult {
  process: NodeRun;
  /** Run ID by index, in the order the app reported them. */
  runIds: string[];
  loopMillis: number;
  shutdownMillis: number;
  /** Milliseconds after spawn: collector killed, collector healthy again (kill run only). */
  killedAtMillis?: number;
  restartedAtMillis?: number;
}

async function runApp(service: string, { killCollector }: { killCollector: boolean }): Promise<AppResult> {
  const runIds: string[] = [];
  const summary = { loopMillis: Number.NaN, shutdownMillis: Number.NaN };
  const spawnedAt = performance.now();
  let crash: Promise<{ killedAtMillis: number; restartedAtMillis: number }> | undefined;
  const child = await runNode(["--import", "@langchain-otel/node/register", "src/sequential-chains.mjs"], {
    cwd: APP_DIR,
    env: otlpAppEnv(service, { OTEL_BSP_SCHEDULE_DELAY: "100", OTEL_BLRP_SCHEDULE_DELAY: "100", E2E_RUNS: String(RUNS), E2E_GAP_MILLIS: "10" }),
    timeoutMillis: APP_TIMEOUT_MILLIS,
    onLine(line) {
      let event;
      try {
        event = JSON.parse(line);
      } catch {
        return; // not one of the app's report lines
      }
      if (event.done) Object.assign(summary, event);
      else runIds[event.index] = event.runId;
      if (killCollector && event.index === KILL_AFTER_INDEX) {
        crash = (async () => {
          await kill({ stackDir: stack.stackDir, components: ["collector"], log });
          const killedAtMillis = performance.now() - spawnedAt;
          await sleep(COLLECTOR_DOWN_MILLIS);
          await up({ stackDir: stack.stackDir, components: ["collector"], log });
          return { killedAtMillis, restartedAtMillis: performance.now() - spawnedAt };
        })();
        crash.catch(() => {}); // awaited (and rethrown) once the app has exited
      }
    },
  });
  return { process: child, runIds, ...summary, ...(crash ? await crash : {}) };
}

/** What one sink holds of the app's runs. */
interface SinkCount {
  sink: string;
  expected: number;
  /** Items found, repeats included. */
  found: number;
  unique: number;
  /** Indices of runs with at least one item missing. */
  incompleteRuns: number[];
}

interface Delivery {
  fileSpans: SinkCount;
  startRecords: SinkCount;
  endRecords: SinkCount;
  jaegerTraces: SinkCount;
  jaegerSpans: SinkCount;
  siemLines: SinkCount;
  /** Span IDs in Jaeger that are not in traces.jsonl, and SIEM keys with no record in logs.jsonl (must be none). */
  jaegerNotInFile: string[];
  siemNotInFile: string[];
  jaegerParentMismatches: string[];
}

/** Reads every sink and counts what arrived of the runs `runIds` (index → run ID) exported as `service`. */
async function measure(service: string, runIds: string[], sinceMillis: number): Promise<Delivery> {
  const indexOfRun = new Map(runIds.map((id, index) => [id, index]));
  const services = readSpanServices(stack.paths.tracesFile);
  const spans = readFileSpans(stack.paths.tracesFile).filter((s) => services.get(s.spanId) === service);
  const records = readLogRecords(stack.paths.logsFile).filter((r) => r.resource["service.name"] === service);
  const siem = readSyslogLines(stack.paths.siemFile)
    .map(parseRfc5424)
    .filter((m) => m.appName === service);
  const jaeger = await findJaegerTraces(service, { sinceMillis, limit: 10 * RUNS });

  // The index a span or record belongs to: its own run's, or (the nested lambda) its parent run's.
  const indexOf = (runId: unknown, parentRunId: unknown) => indexOfRun.get(String(runId)) ?? indexOfRun.get(String(parentRunId));

  const count = (sink: string, perRun: number, keys: { key: string; index: number | undefined }[]): SinkCount => {
    const perIndex = new Map<number, Set<string>>();
    for (const { key, index } of keys) if (index !== undefined) perIndex.set(index, (perIndex.get(index) ?? new Set()).add(key));
    return {
      sink,
      expected: perRun * runIds.length,
      found: keys.length,
      unique: new Set(keys.map((k) => k.key)).size,
      incompleteRuns: runIds.map((_, i) => i).filter((i) => (perIndex.get(i)?.size ?? 0) < perRun),
    };
  };

  const recordKey = (runId: unknown, event: unknown) => `${String(runId)} ${String(event)}`;
  const recordsOf = (event: string) =>
    records
      .filter((r) => r.attributes["event.name"] === event || (event === RUN_END && r.attributes["event.name"] === "langchain.run.error"))
      .map((r) => ({
        key: recordKey(r.attributes["langchain.run_id"], r.attributes["event.name"]),
        index: indexOf(r.attributes["langchain.run_id"], r.attributes["langchain.parent_run_id"]),
      }));
  const jaegerSpans = jaeger.flatMap((t) => t.spans.map((s) => ({ span: s, parent: jaegerParents(t).get(s.spanID) })));
  const fileSpanIds = new Set(spans.map((s) => s.spanId));
  const fileParents = new Map(spans.map((s) => [s.spanId, s.parentSpanId || undefined]));
  const fileRecordKeys = new Set(records.map((r) => recordKey(r.attributes["langchain.run_id"], r.attributes["event.name"])));
  const spanIndex = new Map(spans.map((s) => [s.spanId, indexOf(runIdOf(s), parentRunIdOf(s))]));
  const rootSpanIndex = new Map(runIds.map((id, index) => [spanIdOfRun(id), index]));

  const indexOfTrace = new Map(runIds.map((id, index) => [traceIdOfRun(id), index]));
  return {
    fileSpans: count("spans in traces.jsonl", SPANS_PER_RUN, spans.map((s) => ({ key: s.spanId, index: spanIndex.get(s.spanId) }))),
    startRecords: count("run.start records in logs.jsonl", SPANS_PER_RUN, recordsOf(RUN_START)),
    endRecords: count("run.end/error records in logs.jsonl", SPANS_PER_RUN, recordsOf(RUN_END)),
    jaegerTraces: count("traces in Jaeger", 1, jaeger.map((t) => ({ key: t.traceID, index: indexOfTrace.get(t.traceID) }))),
    jaegerSpans: count(
      "spans in Jaeger",
      SPANS_PER_RUN,
      jaegerSpans.map(({ span }) => ({ key: span.spanID, index: rootSpanIndex.get(span.spanID) ?? spanIndex.get(span.spanID) })),
    ),
    siemLines: count(
      "lines in the SIEM file",
      2 * SPANS_PER_RUN,
      siem.map((m) => {
        const p = siemParams(m);
        return { key: recordKey(p["langchain.run_id"], p["event.name"]), index: indexOf(p["langchain.run_id"], p["langchain.parent_run_id"]) };
      }),
    ),
    jaegerNotInFile: jaegerSpans.map(({ span }) => span.spanID).filter((id) => !fileSpanIds.has(id)),
    siemNotInFile: siem.map((m) => recordKey(siemParams(m)["langchain.run_id"], siemParams(m)["event.name"])).filter((k) => !fileRecordKeys.has(k)),
    jaegerParentMismatches: jaegerSpans
      .filter(({ span, parent }) => fileSpanIds.has(span.spanID) && fileParents.get(span.spanID) !== parent)
      .map(({ span }) => span.spanID),
  };
}

/** The sinks of a delivery, in table order. */
function sinks(d: Delivery): SinkCount[] {
  return [d.fileSpans, d.startRecords, d.endRecords, d.jaegerTraces, d.jaegerSpans, d.siemLines];
}

/** Waits until every sink's counts have been still for a while (and downstream has what the files have). */
async function settledDelivery(service: string, runIds: string[], sinceMillis: number): Promise<Delivery> {
  const { value, satisfied, elapsedMillis } = await pollUntilStable(
    () => measure(service, runIds, sinceMillis),
    (d) => JSON.stringify(sinks(d).map((s) => s.found)),
    {
      timeoutMillis: SETTLE_TIMEOUT_MILLIS,
      intervalMillis: 500,
      quietMillis: SETTLE_QUIET_MILLIS,
      // Jaeger and the SIEM are fed from the collector's persistent queues: wait until they hold what the files hold.
      ready: (d) => d.jaegerSpans.unique >= d.fileSpans.unique && d.siemLines.unique >= d.startRecords.unique + d.endRecords.unique,
    },
  );
  log(`${service}: delivery ${satisfied ? "settled" : "NOT settled (downstream short of the files)"} after ${(elapsedMillis / 1000).toFixed(1)} s`);
  if (value === undefined) throw new Error(`could not read the sinks of ${service}`);
  return value;
}

/** "3-7, 12, 40-41" */
function ranges(indices: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < indices.length; i++) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j]! + 1) j++;
    out.push(j === i ? `${indices[i]}` : `${indices[i]}-${indices[j]}`);
    i = j;
  }
  return out.length === 0 ? "-" : out.join(", ");
}

function table(delivery: Delivery): string {
  const header = ["sink", "expected", "found", "unique", "lost", "repeats", "runs with something missing (indices)"];
  const rows = sinks(delivery).map((s) => [
    s.sink,
    String(s.expected),
    String(s.found),
    String(s.unique),
    String(s.expected - s.unique),
    String(s.found - s.unique),
    `${s.incompleteRuns.length}: ${ranges(s.incompleteRuns)}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

describe("collector SIGKILLed mid-run and restarted (measurement)", () => {
  const startedAt = Date.now();
  let baseline: AppResult;
  let crashed: AppResult;
  let baselineDelivery: Delivery;
  let crashedDelivery: Delivery;

  beforeAll(async () => {
    baseline = await runApp("e2e-kill-baseline", { killCollector: false });
    baselineDelivery = await settledDelivery("e2e-kill-baseline", baseline.runIds, startedAt);
    crashed = await runApp("e2e-kill", { killCollector: true });
    crashedDelivery = await settledDelivery("e2e-kill", crashed.runIds, startedAt);

    const ms = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? "?" : `${Math.round(n)} ms`);
    console.log(
      [
        "",
        `=== collector SIGKILL measurement: ${RUNS} sequential runs (chain + nested lambda), 10 ms apart, OTEL_BSP_SCHEDULE_DELAY=100 ===`,
        `collector killed after run ${KILL_AFTER_INDEX} finished (at ${ms(crashed.killedAtMillis)}), restarted ${COLLECTOR_DOWN_MILLIS} ms later, healthy at ${ms(crashed.restartedAtMillis)}`,
        `app with the kill:    exit ${crashed.process.code}, ${ms(crashed.process.elapsedMillis)} wall (run loop ${ms(crashed.loopMillis)}, shutdown/flush ${ms(crashed.shutdownMillis)})`,
        `app, collector up:    exit ${baseline.process.code}, ${ms(baseline.process.elapsedMillis)} wall (run loop ${ms(baseline.loopMillis)}, shutdown/flush ${ms(baseline.shutdownMillis)})`,
        "",
        "with the collector killed and restarted:",
        table(crashedDelivery),
        "",
        "baseline, collector up throughout:",
        table(baselineDelivery),
        "",
        `[kill-measurement] ${JSON.stringify({
          runs: RUNS,
          killAfterIndex: KILL_AFTER_INDEX,
          killedAtMillis: Math.round(crashed.killedAtMillis ?? Number.NaN),
          restartedAtMillis: Math.round(crashed.restartedAtMillis ?? Number.NaN),
          crashed: { wallMillis: Math.round(crashed.process.elapsedMillis), loopMillis: crashed.loopMillis, shutdownMillis: crashed.shutdownMillis },
          baseline: { wallMillis: Math.round(baseline.process.elapsedMillis), loopMillis: baseline.loopMillis, shutdownMillis: baseline.shutdownMillis },
          lost: Object.fromEntries(sinks(crashedDelivery).map((s) => [s.sink, { lost: s.expected - s.unique, repeats: s.found - s.unique, runs: ranges(s.incompleteRuns) }])),
        })}`,
      ].join("\n"),
    );
  }, 2 * APP_TIMEOUT_MILLIS + 2 * SETTLE_TIMEOUT_MILLIS + 30_000);

  it("both apps exit 0 after reporting every run, in order", () => {
    for (const app of [baseline, crashed]) {
      expect({ timedOut: app.process.timedOut, code: app.process.code, stderr: app.process.stderr }).toEqual({ timedOut: false, code: 0, stderr: "" });
      expect(app.runIds).toHaveLength(RUNS);
      expect(new Set(app.runIds).size).toBe(RUNS);
      expect(app.runIds.every((id) => typeof id === "string")).toBe(true);
    }
  });

  it("the collector was killed while runs were still being made, and came back", () => {
    expect(crashed.killedAtMillis).toBeDefined();
    expect(crashed.restartedAtMillis! - crashed.killedAtMillis!).toBeGreaterThanOrEqual(COLLECTOR_DOWN_MILLIS);
    // The app was still running when the collector died (it reported run KILL_AFTER_INDEX first, so it had runs left).
    expect(crashed.killedAtMillis!).toBeLessThan(crashed.process.elapsedMillis);
  });

  it(`the app is not slowed by the dead collector beyond ${MAX_EXTRA_MILLIS / 1000} s`, () => {
    expect(crashed.process.elapsedMillis).toBeLessThanOrEqual(baseline.process.elapsedMillis + MAX_EXTRA_MILLIS);
    expect(crashed.loopMillis).toBeLessThanOrEqual(baseline.loopMillis + MAX_EXTRA_MILLIS);
  });

  it("with the collector up throughout, every run reaches every sink exactly once", () => {
    expect(sinks(baselineDelivery).map((s) => [s.sink, s.found, s.incompleteRuns.length])).toEqual(
      sinks(baselineDelivery).map((s) => [s.sink, s.expected, 0]),
    );
  });

  it("what arrived after the kill is consistent: no more than was made, downstream only what the files hold", () => {
    for (const sink of sinks(crashedDelivery)) {
      expect(sink.unique, sink.sink).toBeLessThanOrEqual(sink.expected);
      // A run counts as lost in a sink exactly when something of it is missing there.
      expect(sink.incompleteRuns.length === 0, sink.sink).toBe(sink.unique === sink.expected);
    }
    expect(crashedDelivery.jaegerNotInFile).toEqual([]);
    expect(crashedDelivery.siemNotInFile).toEqual([]);
    expect(crashedDelivery.jaegerParentMismatches).toEqual([]);
    // Runs that ended well before the kill (about 0.4 s: four export intervals) had been exported to a live
    // collector, which writes the audit files before it answers: they are complete there.
    for (const sink of [crashedDelivery.fileSpans, crashedDelivery.startRecords, crashedDelivery.endRecords]) {
      expect(sink.incompleteRuns.filter((i) => i < KILL_AFTER_INDEX - 30), sink.sink).toEqual([]);
    }
  });
});
