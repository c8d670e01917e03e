// SPDX-License-Identifier: Apache-2.0
// No loss when the collector is away (packages/node README, "No loss"), against the real stack:
// (a) the collector is down for the whole of a first app's life: its batches wait in the spool directory; once the
//     collector is up, a second app started on the same spool directory adopts and sends them, in order, before
//     its own; the collector's audit trail then verifies with no gap for both instances, every item once.
// (b) the collector is SIGKILLed a third of the way through 200 runs and comes back after ~10 s, longer than the
//     OTLP exporter's own retries last (10 s, OTEL_EXPORTER_OTLP_TIMEOUT): nothing is lost from the audit files and
//     the verifier finds no gap (repeats are allowed: delivery is at least once, and the verifier dedupes them).
import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { kill, up } from "../collector-config/scripts/stack.mjs";
import { loudLines } from "./support/loud-lines.ts";
import { type VerifyReport, chainOf, completeChain, instanceChains, verifyJson, NO_PROBLEMS } from "./support/audit-cli.ts";
import { newSpoolDir, otlpAppEnv } from "./support/child.ts";
import { type Delivery, deliveryLosses, deliveryTable, fileSinks, settledDelivery, sinks } from "./support/delivery.ts";
import { readStampedItems, seqOrder } from "./support/otlp-files.ts";
import { SPANS_PER_SEQUENTIAL_RUN, type SequentialRun, runSequentialChains } from "./support/sequential-app.ts";
import { type SpoolContents, spoolContents } from "./support/spool.ts";
import { stackLog, useStack } from "./support/stack.ts";

const APP_TIMEOUT_MILLIS = 120_000;
const SETTLE_TIMEOUT_MILLIS = 60_000;
const SETTLE_QUIET_MILLIS = 2_000;

// The collector is started by the tests: (a) begins without it.
const stack = useStack("outage", { components: ["rsyslog", "jaeger"] });
const log = stackLog("outage");

const ms = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? "?" : `${Math.round(n)} ms`);

async function delivered(service: string, app: SequentialRun, sinceMillis: number): Promise<Delivery> {
  const { delivery } = await settledDelivery(
    { stack: stack.paths, service, runIds: app.runIds, spansPerRun: SPANS_PER_SEQUENTIAL_RUN, sinceMillis },
    {
      timeoutMillis: SETTLE_TIMEOUT_MILLIS,
      quietMillis: SETTLE_QUIET_MILLIS,
      log,
      // Nothing should be missing from the files; wait for all of it rather than for a quiet spell alone.
      ready: (d) => fileSinks(d).every((s) => s.unique >= s.expected),
    },
  );
  return delivery;
}

describe("(a) the collector is down while the first app runs; the next start sends its spool", () => {
  const FIRST_RUNS = 100;
  const SECOND_RUNS = 5;
  const startedAt = Date.now();
  const spoolDir = newSpoolDir("outage-a");
  let first: SequentialRun;
  let second: SequentialRun;
  let spooledAfterFirst: SpoolContents;
  let spooledAfterSecond: SpoolContents;
  let firstDelivery: Delivery;
  let secondDelivery: Delivery;
  let report: VerifyReport | undefined;
  let verifyExit: number | null;

  beforeAll(async () => {
    first = await runSequentialChains({
      runs: FIRST_RUNS,
      gapMillis: 10,
      env: otlpAppEnv("e2e-outage-first", { LANGCHAIN_OTEL_SPOOL_DIR: spoolDir }),
      timeoutMillis: APP_TIMEOUT_MILLIS,
    });
    spooledAfterFirst = spoolContents(spoolDir);

    await up({ stackDir: stack.stackDir, components: ["collector"], log });
    second = await runSequentialChains({
      runs: SECOND_RUNS,
      gapMillis: 10,
      env: otlpAppEnv("e2e-outage-second", { LANGCHAIN_OTEL_SPOOL_DIR: spoolDir }),
      timeoutMillis: APP_TIMEOUT_MILLIS,
    });
    spooledAfterSecond = spoolContents(spoolDir);

    firstDelivery = await delivered("e2e-outage-first", first, startedAt);
    secondDelivery = await delivered("e2e-outage-second", second, startedAt);
    const verified = await verifyJson([stack.paths.auditDir]);
    report = verified.report;
    verifyExit = verified.run.code;

    console.log(
      [
        "",
        `=== outage (a): collector down while the first app ran ${FIRST_RUNS} runs; up before a second app (${SECOND_RUNS} runs) on the same spool ===`,
        `first app:  exit ${first.process.code}, ${ms(first.process.elapsedMillis)} wall (run loop ${ms(first.loopMillis)}, shutdown ${ms(first.shutdownMillis)}), ` +
          `instance ${first.instanceId}, stats ${JSON.stringify(first.stats)}`,
        `spool after the first app: ${JSON.stringify(spooledAfterFirst)}`,
        `second app: exit ${second.process.code}, ${ms(second.process.elapsedMillis)} wall (run loop ${ms(second.loopMillis)}, shutdown ${ms(second.shutdownMillis)}), ` +
          `instance ${second.instanceId}, stats ${JSON.stringify(second.stats)}`,
        `spool after the second app: ${JSON.stringify(spooledAfterSecond)}`,
        "",
        "first app (its batches spooled, sent by the second app's start):",
        deliveryTable(firstDelivery),
        "",
        "second app:",
        deliveryTable(secondDelivery),
        "",
        `verify ${stack.paths.auditDir}: exit ${verifyExit}; first ${JSON.stringify(instanceChains(report, first.instanceId))}; ` +
          `second ${JSON.stringify(instanceChains(report, second.instanceId))}`,
        `[outage-a-measurement] ${JSON.stringify({ first: deliveryLosses(firstDelivery), second: deliveryLosses(secondDelivery) })}`,
      ].join("\n"),
    );
  }, 2 * APP_TIMEOUT_MILLIS + 2 * SETTLE_TIMEOUT_MILLIS);

  it("both apps exit 0 after reporting every run", () => {
    // The first says once that the collector is down and where its data waits; the second that it sends it.
    expect(loudLines(first.process.stderr)).toEqual(["down"]);
    expect(loudLines(second.process.stderr)).toEqual(["replay traces", "replay logs"]);
    for (const [app, runs] of [
      [first, FIRST_RUNS],
      [second, SECOND_RUNS],
    ] as const) {
      expect({ timedOut: app.process.timedOut, code: app.process.code }).toEqual({ timedOut: false, code: 0 });
      expect(app.runIds.filter((id) => typeof id === "string")).toHaveLength(runs);
      expect(app.instanceId).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(first.instanceId).not.toBe(second.instanceId);
  });

  it("the first app left its batches in the spool, dropping nothing; the second app's start sent them all", () => {
    expect(spooledAfterFirst.traces).toBeGreaterThan(0);
    expect(spooledAfterFirst.logs).toBeGreaterThan(0);
    expect(first.stats).toMatchObject({ droppedItems: 0, rejectedBatches: 0, queueDroppedSpans: 0, queueDroppedLogRecords: 0 });
    expect(spooledAfterSecond).toEqual({ traces: 0, logs: 0, rejected: 0 });
    // The second app replayed the adopted batches (and any of its own that queued behind them).
    expect(second.stats!.replayedBatches).toBeGreaterThanOrEqual(spooledAfterFirst.traces + spooledAfterFirst.logs);
    expect(second.stats).toMatchObject({ droppedItems: 0, rejectedBatches: 0 });
  });

  it("every run of both apps is in the audit files exactly once, and in Jaeger and the SIEM", () => {
    for (const delivery of [firstDelivery, secondDelivery]) {
      expect(sinks(delivery).map((s) => [s.sink, s.expected - s.unique, s.incompleteRuns])).toEqual(sinks(delivery).map((s) => [s.sink, 0, []]));
      expect(fileSinks(delivery).map((s) => [s.sink, s.found])).toEqual(fileSinks(delivery).map((s) => [s.sink, s.expected]));
      expect({ jaeger: delivery.jaegerNotInFile, siem: delivery.siemNotInFile, parents: delivery.jaegerParentMismatches }).toEqual({
        jaeger: [],
        siem: [],
        parents: [],
      });
    }
  });

  it("verify: exit 0; both instances' chains complete from seq 1 with no gap", () => {
    expect(verifyExit).toBe(0);
    expect(report?.problems).toEqual(NO_PROBLEMS);
    const spans = (runs: number) => completeChain(runs * SPANS_PER_SEQUENTIAL_RUN);
    const records = (runs: number) => completeChain(2 * runs * SPANS_PER_SEQUENTIAL_RUN);
    expect(instanceChains(report, first.instanceId)).toEqual({ traces: spans(FIRST_RUNS), logs: records(FIRST_RUNS) });
    expect(instanceChains(report, second.instanceId)).toEqual({ traces: spans(SECOND_RUNS), logs: records(SECOND_RUNS) });
  });

  it("the collector received each instance's items in audit.seq order, the first app's spool before the second app's own", () => {
    for (const file of [stack.paths.tracesFile, stack.paths.logsFile]) {
      const items = readStampedItems(file);
      for (const instance of [first.instanceId!, second.instanceId!]) {
        const { outOfOrder } = seqOrder(items, instance);
        expect({ file, instance, outOfOrder }).toEqual({ file, instance, outOfOrder: [] });
      }
      const lastLineOfFirst = Math.max(...items.filter((i) => i.instance === first.instanceId).map((i) => i.line));
      const firstLineOfSecond = Math.min(...items.filter((i) => i.instance === second.instanceId).map((i) => i.line));
      expect({ file, adoptedBeforeOwn: lastLineOfFirst < firstLineOfSecond }).toEqual({ file, adoptedBeforeOwn: true });
    }
  });
});

describe("(b) the collector SIGKILLed a third of the way through 200 runs and back after ~10 s", () => {
  const RUNS = 200;
  const KILL_AFTER_INDEX = 66;
  /**
   * Longer than the OTLP exporter's own retries (its 10 s request timeout): without the spool, the batch being
   * sent at the kill, and those queued behind it, would be given up on.
   */
  const COLLECTOR_DOWN_MILLIS = 10_500;
  /** Runs spread over ~20 s, so the app is still making runs when the collector comes back. */
  const GAP_MILLIS = 100;
  const service = "e2e-outage-kill";
  const startedAt = Date.now();
  let app: SequentialRun;
  let killedAtMillis: number | undefined;
  let restartedAtMillis: number | undefined;
  let delivery: Delivery;
  let report: VerifyReport | undefined;
  let verifyExit: number | null;
  let verifyText: string;

  beforeAll(async () => {
    // (a) leaves the collector running; make sure of it whichever tests ran.
    await up({ stackDir: stack.stackDir, components: ["collector"], log });
    let crash: Promise<void> | undefined;
    app = await runSequentialChains({
      runs: RUNS,
      gapMillis: GAP_MILLIS,
      env: otlpAppEnv(service, { OTEL_BSP_SCHEDULE_DELAY: "100", OTEL_BLRP_SCHEDULE_DELAY: "100" }),
      timeoutMillis: APP_TIMEOUT_MILLIS,
      onRun(index, _runId, sinceSpawnMillis) {
        if (index !== KILL_AFTER_INDEX) return;
        const spawnedAt = performance.now() - sinceSpawnMillis;
        crash = (async () => {
          await kill({ stackDir: stack.stackDir, components: ["collector"], log });
          killedAtMillis = performance.now() - spawnedAt;
          await sleep(COLLECTOR_DOWN_MILLIS);
          await up({ stackDir: stack.stackDir, components: ["collector"], log });
          restartedAtMillis = performance.now() - spawnedAt;
        })();
        crash.catch(() => {}); // awaited (and rethrown) once the app has exited
      },
    });
    await crash;
    delivery = await delivered(service, app, startedAt);
    const verified = await verifyJson([stack.paths.auditDir]);
    report = verified.report;
    verifyExit = verified.run.code;

    const traces = chainOf(report, String(app.instanceId), "traces");
    const logs = chainOf(report, String(app.instanceId), "logs");
    verifyText = `verify: traces ${traces?.records} records (seq ${traces?.firstSeq}..${traces?.lastSeq}), ${traces?.duplicates} duplicates, gaps ${JSON.stringify(traces?.gaps)}; logs ${logs?.records} records (seq ${logs?.firstSeq}..${logs?.lastSeq}), ${logs?.duplicates} duplicates, gaps ${JSON.stringify(logs?.gaps)}; exit ${verifyExit}`;
    console.log(
      [
        "",
        `=== outage (b): ${RUNS} sequential runs (chain + nested lambda), ${GAP_MILLIS} ms apart, OTEL_BSP_SCHEDULE_DELAY=100, spool on ===`,
        `collector SIGKILLed after run ${KILL_AFTER_INDEX} finished (at ${ms(killedAtMillis)}), restarted ${COLLECTOR_DOWN_MILLIS} ms later, healthy at ${ms(restartedAtMillis)}`,
        `app: exit ${app.process.code}, ${ms(app.process.elapsedMillis)} wall (run loop ${ms(app.loopMillis)}, shutdown ${ms(app.shutdownMillis)}), ` +
          `instance ${app.instanceId}, stats ${JSON.stringify(app.stats)}`,
        "",
        deliveryTable(delivery),
        "",
        verifyText,
        `[outage-kill-measurement] ${JSON.stringify({
          runs: RUNS,
          killAfterIndex: KILL_AFTER_INDEX,
          downMillis: COLLECTOR_DOWN_MILLIS,
          killedAtMillis: Math.round(killedAtMillis ?? Number.NaN),
          restartedAtMillis: Math.round(restartedAtMillis ?? Number.NaN),
          app: { wallMillis: Math.round(app.process.elapsedMillis), loopMillis: app.loopMillis, shutdownMillis: app.shutdownMillis, stats: app.stats },
          lost: deliveryLosses(delivery),
        })}`,
      ].join("\n"),
    );
  }, APP_TIMEOUT_MILLIS + SETTLE_TIMEOUT_MILLIS + 30_000);

  it("the app exits 0 after every run; the collector died while runs were being made and came back before they ended", () => {
    expect({ timedOut: app.process.timedOut, code: app.process.code }).toEqual({ timedOut: false, code: 0 });
    // Said once that it is down, and once per signal that it is back.
    expect(loudLines(app.process.stderr)[0]).toBe("down");
    expect(loudLines(app.process.stderr).sort()).toEqual(["down", "up logs", "up traces"]);
    expect(app.runIds.filter((id) => typeof id === "string")).toHaveLength(RUNS);
    expect(killedAtMillis).toBeDefined();
    expect(restartedAtMillis! - killedAtMillis!).toBeGreaterThanOrEqual(COLLECTOR_DOWN_MILLIS);
    expect(restartedAtMillis!).toBeLessThan(app.process.elapsedMillis);
    expect(app.stats).toMatchObject({ droppedItems: 0, rejectedBatches: 0, queueDroppedSpans: 0, queueDroppedLogRecords: 0 });
  });

  it("no span and no start or end record is lost from the audit files (repeats allowed: at least once)", () => {
    expect(fileSinks(delivery).map((s) => [s.sink, s.expected - s.unique, s.incompleteRuns])).toEqual(fileSinks(delivery).map((s) => [s.sink, 0, []]));
    expect({ jaeger: delivery.jaegerNotInFile, siem: delivery.siemNotInFile, parents: delivery.jaegerParentMismatches }).toEqual({ jaeger: [], siem: [], parents: [] });
  });

  it("verify: the instance's chains have no gap and no mismatch (repeats counted as duplicates)", () => {
    expect(instanceChains(report, app.instanceId)).toEqual({
      traces: completeChain(RUNS * SPANS_PER_SEQUENTIAL_RUN),
      logs: completeChain(2 * RUNS * SPANS_PER_SEQUENTIAL_RUN),
    });
    expect(report?.problems).toEqual(NO_PROBLEMS);
    expect(verifyExit).toBe(0);
  });

  it("the collector received the instance's items in audit.seq order (repeats aside)", () => {
    for (const file of [stack.paths.tracesFile, stack.paths.logsFile]) {
      const { outOfOrder } = seqOrder(readStampedItems(file), String(app.instanceId));
      expect({ file, outOfOrder }).toEqual({ file, outOfOrder: [] });
    }
  });
});
