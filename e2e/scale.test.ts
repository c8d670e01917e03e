// SPDX-License-Identifier: Apache-2.0
// The scale profile, lossless under faults: 8 app processes (per agent two ESM and two CommonJS) make 2,000 runs
// each through two agent collectors → Kafka (KRaft) → two gateway collectors, while the test SIGKILLs one gateway
// and restarts it, then restarts the Kafka broker. Afterwards every span and audit record is in the gateways'
// audit files (repeats allowed: delivery is at least once), `verify` finds every instance's chains complete, Jaeger
// has every trace with its spans and the SIEM every record; the apps' metrics reach the gateways' metrics files
// through Kafka too; the agents refuse OTLP without the bearer token.
// Prints the end-to-end throughput; with LANGCHAIN_OTEL_SCALE_MEASUREMENT_OUT=bench/scale-e2e.json it also writes
// it there, and `pnpm bench --scale-only` renders it into BENCHMARKS.md.
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { down, endpoints, kill, up } from "../collector-config/scripts/stack.mjs";
import { NO_PROBLEMS, type VerifyReport, completeChain, instanceChains, verifyJson } from "./support/audit-cli.ts";
import { otlpAppEnv } from "./support/child.ts";
import { type JaegerTrace, findJaegerTraces } from "./support/jaeger.ts";
import { readMetricPoints } from "./support/otlp-files.ts";
import { pollUntil } from "./support/poll.ts";
import { spanIdOfRun, traceIdOfRun } from "./support/run-ids.ts";
import { RUN_END, RUN_START } from "./support/runs.ts";
import { SPANS_PER_SEQUENTIAL_RUN, type SequentialRun, runSequentialChains } from "./support/sequential-app.ts";
import { stackLog, useStack } from "./support/stack.ts";
import { TrailTally } from "./support/trail-tally.ts";

const RUNS = 2000;
const AGENTS = endpoints().agentOtlpHttp as string[];
/** Per agent: two ESM and two CommonJS processes. */
const APPS = AGENTS.flatMap((agent, a) =>
  (["esm", "esm", "cjs", "cjs"] as const).map((moduleKind, i) => ({ service: `e2e-scale-${a + 1}-${i + 1}-${moduleKind}`, agent, moduleKind })),
);
const TOTAL_RUNS = RUNS * APPS.length;
const SPANS = TOTAL_RUNS * SPANS_PER_SEQUENTIAL_RUN;
/** One start and one end record per span. */
const RECORDS = 2 * SPANS;
/**
 * Faults, by the number of runs all apps have reported finished: an eighth of the way, then a quarter. Early, so
 * the broker is usually back (its restart takes 14 to 18 s here) while the apps still send, and the agents carry
 * their backlog and new traffic at once. That part is not asserted: apps run faster while the broker is down (the
 * agents only queue), and on a loaded machine they finished before it was back (10 s to spare on one run, -3.5 s at
 * three fifths on another); what is asserted is that each fault began while the apps were sending.
 */
const KILL_GATEWAY_AT_RUNS = Math.round(TOTAL_RUNS / 8);
const GATEWAY_DOWN_MILLIS = 3000;
const RESTART_KAFKA_AT_RUNS = Math.round(TOTAL_RUNS / 4);
const APP_TIMEOUT_MILLIS = 360_000;
const DELIVERY_TIMEOUT_MILLIS = 300_000;

const stack = useStack("scale", { profile: "scale" });
const log = stackLog("scale");

interface Fault {
  what: string;
  /** Milliseconds after the apps were spawned. */
  atMillis: number;
  /** When the component was healthy again. */
  backAtMillis: number;
  /** Runs all apps had reported when the fault began. */
  atRuns: number;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function auditFilesByGateway(auditDir: string): Record<string, number> {
  const bytes: Record<string, number> = {};
  for (const name of readdirSync(auditDir).filter((n) => n.endsWith(".jsonl"))) {
    const gateway = /(gateway-\d+)/.exec(name)?.[1] ?? "other";
    bytes[gateway] = (bytes[gateway] ?? 0) + statSync(path.join(auditDir, name)).size;
  }
  return bytes;
}

/**
 * Per app service, the `langchain.runs` counter by run type and status at its highest value over every gateway's
 * metrics file (`metrics-<gateway>.jsonl`). The points are cumulative, so the highest is the app's total however
 * often Kafka delivered a message; any other temporality is keyed apart so the assertion sees it.
 */
function runCounters(auditDir: string): Record<string, Record<string, number>> {
  const counters: Record<string, Record<string, number>> = {};
  for (const name of readdirSync(auditDir).filter((n) => n.startsWith("metrics"))) {
    for (const point of readMetricPoints(path.join(auditDir, name))) {
      if (point.name !== "langchain.runs") continue;
      const temporality = point.aggregationTemporality === 2 ? "" : ` temporality ${point.aggregationTemporality}`;
      const key = `${point.attributes["langchain.run_type"]} ${point.attributes["langchain.status"]}${temporality}`;
      const byKey = (counters[point.service] ??= {});
      byKey[key] = Math.max(byKey[key] ?? 0, point.value ?? 0);
    }
  }
  return counters;
}

describe(`scale profile: ${APPS.length} apps × ${RUNS} runs through 2 agents → Kafka → 2 gateways, a gateway SIGKILLed and Kafka restarted`, () => {
  const apps: SequentialRun[] = [];
  const faults: Fault[] = [];
  const tally = new TrailTally(stack.paths.auditDir, stack.paths.siemFile, new Set(APPS.map((a) => a.service)));
  let spawnedAtEpochMillis = 0;
  let appsDoneMillis = 0;
  let filesCompleteMillis = Number.NaN;
  let siemCompleteMillis = Number.NaN;
  let jaegerCompleteMillis = Number.NaN;
  let jaeger: Map<string, JaegerTrace[]> = new Map();
  let report: VerifyReport | undefined;
  let verifyExit: number | null = null;
  let restartedGatewayPid: number | undefined;
  let runsCounted: Record<string, Record<string, number>> = {};
  let metricsFiles: string[] = [];

  beforeAll(async () => {
    const loadStart = loadavg().map((l) => Number(l.toFixed(2)));
    let reported = 0;
    let faultChain: Promise<void> = Promise.resolve();
    const spawned = performance.now();
    const since = () => performance.now() - spawned;
    spawnedAtEpochMillis = Date.now();
    const inject = async (what: string, atRuns: number, action: () => Promise<void>) => {
      const atMillis = since();
      log(`${what} after ${atRuns} runs (${reported} by now), at ${seconds(atMillis)}`);
      await action();
      faults.push({ what, atMillis, backAtMillis: since(), atRuns });
    };
    const onRun = () => {
      reported++;
      if (reported === KILL_GATEWAY_AT_RUNS) {
        faultChain = faultChain.then(() =>
          inject("gateway-1 SIGKILL", KILL_GATEWAY_AT_RUNS, async () => {
            await kill({ stackDir: stack.stackDir, components: ["gateway-1"], log });
            await sleep(GATEWAY_DOWN_MILLIS);
            const started = await up({ stackDir: stack.stackDir, components: ["gateway-1"], log });
            restartedGatewayPid = (started.components as Record<string, { pid: number }>)["gateway-1"]?.pid;
          }),
        );
      } else if (reported === RESTART_KAFKA_AT_RUNS) {
        faultChain = faultChain.then(() =>
          inject("Kafka broker restart", RESTART_KAFKA_AT_RUNS, async () => {
            await down({ stackDir: stack.stackDir, components: ["kafka"], log });
            await up({ stackDir: stack.stackDir, components: ["kafka"], log, timeoutMs: 120_000 });
          }),
        );
      }
    };
    const results = await Promise.all(
      APPS.map(({ service, agent, moduleKind }) =>
        runSequentialChains({
          runs: RUNS,
          gapMillis: 0,
          moduleKind,
          env: otlpAppEnv(service, { OTEL_EXPORTER_OTLP_ENDPOINT: agent }),
          timeoutMillis: APP_TIMEOUT_MILLIS,
          onRun,
        }),
      ),
    );
    apps.push(...results);
    appsDoneMillis = since();
    await faultChain;
    log(`apps done at ${seconds(appsDoneMillis)}; faults: ${JSON.stringify(faults)}`);

    // Everything in the audit files, then in the SIEM, then in Jaeger (each fed from persistent queues).
    const files = await pollUntil(
      () => {
        tally.poll();
        return tally.snapshot();
      },
      (t) => t.spans.unique >= SPANS && t.startRecords.unique >= SPANS && t.endRecords.unique >= SPANS,
      { timeoutMillis: DELIVERY_TIMEOUT_MILLIS, intervalMillis: 500 },
    );
    filesCompleteMillis = files.satisfied ? since() : Number.NaN;
    const siem = await pollUntil(
      () => {
        tally.poll();
        return tally.snapshot();
      },
      (t) => t.siemLines.unique >= RECORDS,
      { timeoutMillis: DELIVERY_TIMEOUT_MILLIS, intervalMillis: 500 },
    );
    siemCompleteMillis = siem.satisfied ? since() : Number.NaN;
    const traces = await pollUntil(
      async () => {
        const found = new Map<string, JaegerTrace[]>();
        for (const { service } of APPS) {
          found.set(service, await findJaegerTraces(service, { sinceMillis: spawnedAtEpochMillis, limit: 2 * RUNS, timeoutMillis: 30_000 }));
        }
        return found;
      },
      (found) => [...found.values()].every((t) => t.length >= RUNS && t.every((trace) => trace.spans.length >= SPANS_PER_SEQUENTIAL_RUN)),
      { timeoutMillis: DELIVERY_TIMEOUT_MILLIS, intervalMillis: 2000 },
    );
    jaegerCompleteMillis = traces.satisfied ? since() : Number.NaN;
    jaeger = traces.value ?? new Map();
    // The apps exported their metrics at shutdown, before they exited: agents → Kafka → the gateways' metrics files.
    const counted = await pollUntil(
      () => runCounters(stack.paths.auditDir),
      (c) => APPS.every(({ service }) => Object.values(c[service] ?? {}).reduce((a, b) => a + b, 0) >= SPANS / APPS.length),
      { timeoutMillis: DELIVERY_TIMEOUT_MILLIS, intervalMillis: 1000 },
    );
    runsCounted = counted.value ?? {};
    metricsFiles = readdirSync(stack.paths.auditDir).filter((n) => n.startsWith("metrics")).sort();

    const verified = await verifyJson([stack.paths.auditDir], { timeoutMillis: 240_000 });
    report = verified.report;
    verifyExit = verified.run.code;

    const t = tally.snapshot();
    const rate = (n: number, ms: number) => Math.round(n / (ms / 1000));
    const measurement = {
      apps: APPS.length,
      runsPerApp: RUNS,
      spans: SPANS,
      records: RECORDS,
      appsDoneSeconds: Number((appsDoneMillis / 1000).toFixed(1)),
      filesCompleteSeconds: Number((filesCompleteMillis / 1000).toFixed(1)),
      siemCompleteSeconds: Number((siemCompleteMillis / 1000).toFixed(1)),
      jaegerCompleteSeconds: Number((jaegerCompleteMillis / 1000).toFixed(1)),
      recordsPerSecondToFiles: rate(RECORDS, filesCompleteMillis),
      spansPerSecondToFiles: rate(SPANS, filesCompleteMillis),
      recordsPerSecondToSiem: rate(RECORDS, siemCompleteMillis),
      repeats: {
        spans: t.spans.found - t.spans.unique,
        startRecords: t.startRecords.found - t.startRecords.unique,
        endRecords: t.endRecords.found - t.endRecords.unique,
        siemLines: t.siemLines.found - t.siemLines.unique,
      },
      faults: faults.map((f) => ({ what: f.what, atRuns: f.atRuns, atSeconds: Number((f.atMillis / 1000).toFixed(1)), backAfterSeconds: Number(((f.backAtMillis - f.atMillis) / 1000).toFixed(1)) })),
      auditBytesByGateway: auditFilesByGateway(stack.paths.auditDir),
      appStats: apps.map((a) => a.stats),
    };
    console.log(
      [
        "",
        `=== scale: ${APPS.length} apps (${APPS.filter((a) => a.moduleKind === "esm").length} ESM, ${APPS.filter((a) => a.moduleKind === "cjs").length} CommonJS) × ${RUNS} runs, 2 agents → Kafka → 2 gateways ===`,
        `apps done at ${seconds(appsDoneMillis)}; audit files complete at ${seconds(filesCompleteMillis)}, SIEM at ${seconds(siemCompleteMillis)}, Jaeger at ${seconds(jaegerCompleteMillis)}`,
        `end to end: ${measurement.recordsPerSecondToFiles} audit records/s and ${measurement.spansPerSecondToFiles} spans/s into the gateways' files; ${measurement.recordsPerSecondToSiem} records/s into the SIEM`,
        `tally: ${JSON.stringify(t)}`,
        `verify ${stack.paths.auditDir}: exit ${verifyExit}, problems ${JSON.stringify(report?.problems)}`,
        `[scale-measurement] ${JSON.stringify(measurement)}`,
      ].join("\n"),
    );
    const out = process.env.LANGCHAIN_OTEL_SCALE_MEASUREMENT_OUT;
    if (out) {
      // The command as it was run (this file alone, or within the whole e2e suite), so BENCHMARKS.md names it.
      const suite = process.env.npm_lifecycle_event === "test:e2e" ? "pnpm test:e2e" : "pnpm exec vitest run --config vitest.e2e.config.ts e2e/scale.test.ts";
      const command = `LANGCHAIN_OTEL_SCALE_MEASUREMENT_OUT=$PWD/bench/scale-e2e.json ${suite}`;
      writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString().slice(0, 10), command, loadStart, measurement }, null, 2)}\n`);
    }
  }, APP_TIMEOUT_MILLIS + 4 * DELIVERY_TIMEOUT_MILLIS);

  it("every app exits 0 having reported every run, and dropped nothing", () => {
    expect(apps).toHaveLength(APPS.length);
    for (const app of apps) {
      expect({ timedOut: app.process.timedOut, code: app.process.code, stderr: app.process.stderr }).toEqual({ timedOut: false, code: 0, stderr: "" });
      expect(app.runIds.filter((id) => typeof id === "string")).toHaveLength(RUNS);
      expect(app.stats).toMatchObject({ droppedItems: 0, rejectedBatches: 0, queueDroppedSpans: 0, queueDroppedLogRecords: 0 });
    }
    expect(new Set(apps.map((a) => a.instanceId)).size).toBe(APPS.length);
  });

  it("the gateway was SIGKILLed and Kafka restarted while the apps were still making runs, and both came back", () => {
    expect(faults.map((f) => [f.what, f.atRuns])).toEqual([
      ["gateway-1 SIGKILL", KILL_GATEWAY_AT_RUNS],
      ["Kafka broker restart", RESTART_KAFKA_AT_RUNS],
    ]);
    for (const fault of faults) {
      expect(fault.atMillis, fault.what).toBeLessThan(appsDoneMillis);
      expect(fault.backAtMillis, fault.what).toBeGreaterThan(fault.atMillis);
    }
    // The gateway is down for 3 s of a run that lasts about a minute: it is back while the apps still send.
    expect(faults[0]!.backAtMillis).toBeLessThan(appsDoneMillis);
    expect(faults[0]!.backAtMillis - faults[0]!.atMillis).toBeGreaterThanOrEqual(GATEWAY_DOWN_MILLIS);
    expect(restartedGatewayPid).toBeGreaterThan(0);
  });

  it("every span and record of every run is in the gateways' audit files, and both gateways wrote some", () => {
    const t = tally.snapshot();
    expect({ spans: t.spans.unique, starts: t.startRecords.unique, ends: t.endRecords.unique, foreign: t.foreignItems }).toEqual({
      spans: SPANS,
      starts: SPANS,
      ends: SPANS,
      foreign: 0,
    });
    // The root runs by the IDs the apps reported (their nested runs are in the counts above).
    const rootRuns = apps.flatMap((a) => a.runIds);
    expect({
      spans: rootRuns.filter((id) => !tally.spans.keys.has(`${traceIdOfRun(id)} ${spanIdOfRun(id)}`)),
      starts: rootRuns.filter((id) => !tally.startRecords.keys.has(`${id} ${RUN_START}`)),
      ends: rootRuns.filter((id) => !tally.endRecords.keys.has(`${id} ${RUN_END}`)),
    }).toEqual({ spans: [], starts: [], ends: [] });
    const bytes = auditFilesByGateway(stack.paths.auditDir);
    expect(Object.keys(bytes).sort()).toEqual(["gateway-1", "gateway-2"]);
    expect(Object.values(bytes).every((b) => b > 0)).toBe(true);
  });

  it("verify over the audit directory: exit 0, every instance's chains complete from seq 1 with no gap", () => {
    expect(verifyExit).toBe(0);
    expect(report?.problems).toEqual(NO_PROBLEMS);
    for (const app of apps) {
      expect(instanceChains(report, app.instanceId)).toEqual({ traces: completeChain(SPANS / APPS.length), logs: completeChain(RECORDS / APPS.length) });
    }
    expect(report?.chains).toHaveLength(2 * APPS.length);
  });

  it("Jaeger has every trace with both its spans", () => {
    expect(Number.isNaN(jaegerCompleteMillis)).toBe(false);
    APPS.forEach(({ service }, i) => {
      const traces = new Map((jaeger.get(service) ?? []).map((t) => [t.traceID, new Set(t.spans.map((s) => s.spanID))]));
      const missing = apps[i]!.runIds.filter((runId) => {
        const spans = traces.get(traceIdOfRun(runId));
        return spans === undefined || spans.size !== SPANS_PER_SEQUENTIAL_RUN || !spans.has(spanIdOfRun(runId));
      });
      expect({ service, traces: traces.size, missing }).toEqual({ service, traces: RUNS, missing: [] });
    });
  });

  it("the apps' metrics went through Kafka into the gateways' metrics files: langchain.runs counts every run", () => {
    // Each run is a RunnableLambda calling a nested one: two runs of type lambda, both ok.
    expect(runsCounted).toEqual(Object.fromEntries(APPS.map(({ service }) => [service, { "lambda ok": SPANS / APPS.length }])));
    // Only the gateways' own files: two processes never append to one file, and no OTLP receiver wrote metrics.jsonl.
    expect(metricsFiles.length).toBeGreaterThan(0);
    expect(metricsFiles.every((n) => /^metrics-gateway-[12]\.jsonl$/.test(n)), metricsFiles.join(", ")).toBe(true);
  });

  it("each agent refuses OTLP without the stack's bearer token, or with another one (401)", async () => {
    const statuses = [];
    for (const agent of AGENTS) {
      for (const authorization of [undefined, "Bearer not-the-token"]) {
        const response = await fetch(`${agent}/v1/logs`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(authorization ? { Authorization: authorization } : {}) },
          body: JSON.stringify({ resourceLogs: [] }),
        });
        statuses.push([agent, authorization ?? "none", response.status]);
      }
    }
    expect(statuses).toEqual(AGENTS.flatMap((agent) => [[agent, "none", 401], [agent, "Bearer not-the-token", 401]]));
  });

  it("the SIEM has every record", () => {
    expect(tally.snapshot().siemLines.unique).toBe(RECORDS);
    const rootRuns = apps.flatMap((a) => a.runIds);
    expect({
      starts: rootRuns.filter((id) => !tally.siemLines.keys.has(`${id} ${RUN_START}`)),
      ends: rootRuns.filter((id) => !tally.siemLines.keys.has(`${id} ${RUN_END}`)),
    }).toEqual({ starts: [], ends: [] });
  });
});
