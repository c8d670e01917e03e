// SPDX-License-Identifier: Apache-2.0
// The collector SIGKILLed in the middle of a stream of runs and restarted a second later: a measurement of what
// reaches the audit files, Jaeger and the SIEM. The test asserts that the numbers are consistent with each other
// and that the app was not held up; it prints what was lost, run by run. outage.test.ts asserts no loss, with an
// outage long enough for the OTLP exporter's own retries to give up.
import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { kill, up } from "../collector-config/scripts/stack.mjs";
import { otlpAppEnv } from "./support/child.ts";
import { saidCollectorWasDown } from "./support/loud-lines.ts";
import { type Delivery, deliveryLosses, deliveryTable, settledDelivery, sinks } from "./support/delivery.ts";
import { SPANS_PER_SEQUENTIAL_RUN, type SequentialRun, runSequentialChains } from "./support/sequential-app.ts";
import { stackLog, useStack } from "./support/stack.ts";

const RUNS = 200;
/** The collector is killed when the app reports this run finished: about a third of the way. */
const KILL_AFTER_INDEX = 66;
const COLLECTOR_DOWN_MILLIS = 1000;
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

const stack = useStack("collector-kill");
const log = stackLog("collector-kill");

interface AppResult extends SequentialRun {
  /** Milliseconds after spawn: collector killed, collector healthy again (kill run only). */
  killedAtMillis?: number;
  restartedAtMillis?: number;
}

async function runApp(service: string, { killCollector }: { killCollector: boolean }): Promise<AppResult> {
  let crash: Promise<{ killedAtMillis: number; restartedAtMillis: number }> | undefined;
  const app = await runSequentialChains({
    runs: RUNS,
    gapMillis: 10,
    env: otlpAppEnv(service, { OTEL_BSP_SCHEDULE_DELAY: "100", OTEL_BLRP_SCHEDULE_DELAY: "100" }),
    timeoutMillis: APP_TIMEOUT_MILLIS,
    onRun(index, _runId, sinceSpawnMillis) {
      if (!killCollector || index !== KILL_AFTER_INDEX) return;
      const spawnedAt = performance.now() - sinceSpawnMillis;
      crash = (async () => {
        await kill({ stackDir: stack.stackDir, components: ["collector"], log });
        const killedAtMillis = performance.now() - spawnedAt;
        await sleep(COLLECTOR_DOWN_MILLIS);
        await up({ stackDir: stack.stackDir, components: ["collector"], log });
        return { killedAtMillis, restartedAtMillis: performance.now() - spawnedAt };
      })();
      crash.catch(() => {}); // awaited (and rethrown) once the app has exited
    },
  });
  return { ...app, ...(crash ? await crash : {}) };
}

const deliveryOf = async (service: string, app: SequentialRun, sinceMillis: number): Promise<Delivery> =>
  (
    await settledDelivery(
      { stack: stack.paths, service, runIds: app.runIds, spansPerRun: SPANS_PER_SEQUENTIAL_RUN, sinceMillis },
      { timeoutMillis: SETTLE_TIMEOUT_MILLIS, quietMillis: SETTLE_QUIET_MILLIS, log },
    )
  ).delivery;

describe("collector SIGKILLed mid-run and restarted (measurement)", () => {
  const startedAt = Date.now();
  let baseline: AppResult;
  let crashed: AppResult;
  let baselineDelivery: Delivery;
  let crashedDelivery: Delivery;

  beforeAll(async () => {
    baseline = await runApp("e2e-kill-baseline", { killCollector: false });
    baselineDelivery = await deliveryOf("e2e-kill-baseline", baseline, startedAt);
    crashed = await runApp("e2e-kill", { killCollector: true });
    crashedDelivery = await deliveryOf("e2e-kill", crashed, startedAt);

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
        deliveryTable(crashedDelivery),
        "",
        "baseline, collector up throughout:",
        deliveryTable(baselineDelivery),
        "",
        `[kill-measurement] ${JSON.stringify({
          runs: RUNS,
          killAfterIndex: KILL_AFTER_INDEX,
          killedAtMillis: Math.round(crashed.killedAtMillis ?? Number.NaN),
          restartedAtMillis: Math.round(crashed.restartedAtMillis ?? Number.NaN),
          crashed: { wallMillis: Math.round(crashed.process.elapsedMillis), loopMillis: crashed.loopMillis, shutdownMillis: crashed.shutdownMillis },
          baseline: { wallMillis: Math.round(baseline.process.elapsedMillis), loopMillis: baseline.loopMillis, shutdownMillis: baseline.shutdownMillis },
          lost: deliveryLosses(crashedDelivery),
        })}`,
      ].join("\n"),
    );
  }, 2 * APP_TIMEOUT_MILLIS + 2 * SETTLE_TIMEOUT_MILLIS + 30_000);

  it("both apps exit 0 after reporting every run, in order", () => {
    expect(baseline.process.stderr).toBe("");
    expect(saidCollectorWasDown(crashed.process.stderr)).toBe(true);
    for (const app of [baseline, crashed]) {
      expect({ timedOut: app.process.timedOut, code: app.process.code }).toEqual({ timedOut: false, code: 0 });
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
