// SPDX-License-Identifier: Apache-2.0
// The collector answering badly (packages/node README, "No loss"): slowly (1 s per request), or with 500 or 429
// (each answer held 1 s) for a fault period, then well again. The real collector cannot be made to do this, so a
// small endpoint on 127.0.0.1 (support/fault-endpoint.ts) stands in front of it and forwards once the fault has
// cleared. The app makes 200 invokes and stays up a few seconds, as a server would; then it shuts down.
// Asserted: the invokes are not held up by export work (they are all done before the endpoint has answered its
// first request), and once the fault clears everything arrives as the README says: every span and record in the
// collector's audit files exactly once (no request the collector took lost its answer here, so no repeats), in
// audit.seq order per signal, `verify` without a gap, nothing dropped or rejected.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saidCollectorWasDown } from "./support/loud-lines.ts";
import { type VerifyReport, completeChain, instanceChains, verifyJson, NO_PROBLEMS } from "./support/audit-cli.ts";
import { otlpAppEnv } from "./support/child.ts";
import { type Delivery, deliveryTable, fileSinks, settledDelivery } from "./support/delivery.ts";
import { type EndpointRequest, type FaultPlan, FaultyOtlpEndpoint, HEALTHY } from "./support/fault-endpoint.ts";
import { SPANS_PER_SEQUENTIAL_RUN, type SequentialRun, runSequentialChains } from "./support/sequential-app.ts";
import { stackLog, useStack } from "./support/stack.ts";

const RUNS = 200;
const ANSWER_DELAY_MILLIS = 1000;
const FAULT_MILLIS = 3000;
/** The app stays up this long after its last invoke: past the fault, so its spool is sent while it runs. */
const LINGER_MILLIS = 6000;
const APP_TIMEOUT_MILLIS = 60_000;

interface Scenario {
  name: string;
  plan: FaultPlan;
  lingerMillis: number;
}

const SCENARIOS: Scenario[] = [
  { name: "slow (1 s per request, then forwarded)", plan: { delayMillis: ANSWER_DELAY_MILLIS, durationMillis: Number.POSITIVE_INFINITY }, lingerMillis: LINGER_MILLIS },
  { name: "500 for 3 s (each after 1 s)", plan: { status: 500, delayMillis: ANSWER_DELAY_MILLIS, durationMillis: FAULT_MILLIS }, lingerMillis: LINGER_MILLIS },
  {
    name: "429 + Retry-After: 1 for 3 s (each after 1 s)",
    plan: { status: 429, headers: { "Retry-After": "1" }, delayMillis: ANSWER_DELAY_MILLIS, durationMillis: FAULT_MILLIS },
    lingerMillis: LINGER_MILLIS,
  },
];

const stack = useStack("faults");
const log = stackLog("faults");

interface Outcome {
  app: SequentialRun;
  requests: EndpointRequest[];
  delivery: Delivery;
  report: VerifyReport | undefined;
  verifyExit: number | null;
}

const serviceOf = (index: number) => (index < 0 ? "e2e-faults-healthy" : `e2e-faults-${index}`);

async function runScenario(service: string, plan: FaultPlan, lingerMillis: number): Promise<Outcome> {
  const sinceMillis = Date.now();
  const endpoint = await FaultyOtlpEndpoint.start(plan);
  let app: SequentialRun;
  try {
    app = await runSequentialChains({
      runs: RUNS,
      gapMillis: 0,
      lingerMillis,
      env: otlpAppEnv(service, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint.url }),
      timeoutMillis: APP_TIMEOUT_MILLIS,
    });
  } finally {
    await endpoint.close();
  }
  const { delivery } = await settledDelivery(
    { stack: stack.paths, service, runIds: app.runIds, spansPerRun: SPANS_PER_SEQUENTIAL_RUN, sinceMillis },
    { timeoutMillis: 30_000, quietMillis: 1500, log, ready: (d) => fileSinks(d).every((s) => s.unique >= s.expected) },
  );
  const verified = await verifyJson([stack.paths.auditDir]);
  return { app, requests: [...endpoint.requests], delivery, report: verified.report, verifyExit: verified.run.code };
}

/** The seqs the collector took, per signal, in the order it took them. */
function acceptedSeqs(requests: EndpointRequest[], signal: "traces" | "logs"): number[] {
  return requests
    .filter((r) => r.signal === signal && r.forwarded && r.status >= 200 && r.status < 300)
    .sort((a, b) => a.answeredAt - b.answeredAt)
    .flatMap((r) => r.seqs);
}

const ms = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? "?" : `${Math.round(n)} ms`);

describe("the collector answering badly: the app is not held up, and nothing is lost once the fault clears", () => {
  let healthy: Outcome;
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    healthy = await runScenario(serviceOf(-1), HEALTHY, 0);
    for (const [index, scenario] of SCENARIOS.entries()) outcomes.push(await runScenario(serviceOf(index), scenario.plan, scenario.lingerMillis));
  }, 4 * (APP_TIMEOUT_MILLIS + 40_000));

  afterAll(() => {
    if (healthy === undefined) return;
    const row = (name: string, o: Outcome) => {
      const first = Math.min(...o.requests.map((r) => r.answeredAt));
      const faulted = o.requests.filter((r) => !r.forwarded).length;
      return [
        name,
        ms(o.app.loopMillis),
        ms(o.app.process.elapsedMillis),
        String(Number.isFinite(first) ? first - o.app.loopDoneAtEpochMillis : "?"),
        `${o.requests.length} (${faulted} faulted)`,
        `${o.app.stats?.spooledBatches ?? "?"}/${o.app.stats?.replayedBatches ?? "?"}`,
      ];
    };
    const rows = [["collector", "200 invokes", "app wall", "1st answer - invokes done (ms)", "requests", "spooled/replayed"], row("healthy (forwarded at once)", healthy)];
    SCENARIOS.forEach((s, i) => outcomes[i] && rows.push(row(s.name, outcomes[i]!)));
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    console.log(
      [
        "",
        `=== faults: ${RUNS} invokes (chain + nested lambda, no pause), app up ${LINGER_MILLIS} ms after them under a fault ===`,
        ...rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")),
        "",
        ...SCENARIOS.flatMap((s, i) => (outcomes[i] ? [`${s.name}:`, deliveryTable(outcomes[i]!.delivery), ""] : [])),
      ].join("\n"),
    );
  });

  it("with a healthy collector, every span and record arrives once (the baseline)", () => {
    expect({ code: healthy.app.process.code, stderr: healthy.app.process.stderr }).toEqual({ code: 0, stderr: "" });
    expect(fileSinks(healthy.delivery).map((s) => [s.sink, s.found, s.unique])).toEqual(fileSinks(healthy.delivery).map((s) => [s.sink, s.expected, s.expected]));
  });

  describe.each(SCENARIOS.map((scenario, index) => ({ ...scenario, index })))("$name", ({ plan, index }) => {
    const outcome = () => outcomes[index]!;

    it("the app exits 0 after all 200 invokes; the endpoint did answer badly", () => {
      const { app, requests } = outcome();
      expect({ timedOut: app.process.timedOut, code: app.process.code }).toEqual({ timedOut: false, code: 0 });
      // A collector refusing is said once on stderr (and its recovery, if the replayer saw it fail); a slow one
      // that answers within the timeout is not worth a line.
      if (plan.status === undefined) expect(app.process.stderr).toBe("");
      else expect(saidCollectorWasDown(app.process.stderr)).toBe(true);
      expect(app.runIds.filter((id) => typeof id === "string")).toHaveLength(RUNS);
      const slow = requests.filter((r) => r.answeredAt - r.receivedAt >= ANSWER_DELAY_MILLIS);
      expect(slow.length).toBeGreaterThan(0);
      if (plan.status !== undefined) expect(requests.filter((r) => r.status === plan.status).length).toBeGreaterThan(0);
      // OTLP/JSON, so the endpoint could read the seqs it carried.
      expect(new Set(requests.map((r) => r.contentType.split(";")[0]))).toEqual(new Set(["application/json"]));
    });

    it("the invokes were not held up by export: all 200 were done before the endpoint answered its first request", () => {
      const { app, requests } = outcome();
      const firstAnswer = Math.min(...requests.map((r) => r.answeredAt));
      expect(app.loopDoneAtEpochMillis).toBeLessThan(firstAnswer);
      // The README's wording: "200 invokes finish before it has received a second request" (per signal).
      for (const signal of ["traces", "logs"] as const) {
        expect({ signal, before: requests.filter((r) => r.signal === signal && r.receivedAt <= app.loopDoneAtEpochMillis).length <= 1 }).toEqual({
          signal,
          before: true,
        });
      }
    });

    it("after the fault: every span and record is in the audit files exactly once, none dropped or rejected", () => {
      const { app, delivery } = outcome();
      expect(fileSinks(delivery).map((s) => [s.sink, s.found, s.unique, s.incompleteRuns])).toEqual(
        fileSinks(delivery).map((s) => [s.sink, s.expected, s.expected, []]),
      );
      expect(app.stats).toMatchObject({ rejectedBatches: 0, droppedItems: 0, queueDroppedSpans: 0, queueDroppedLogRecords: 0 });
      expect(app.stats!.replayedBatches).toBe(app.stats!.spooledBatches);
      // A 500 is not retried by the OTLP exporter: those batches went through the spool.
      if (plan.status === 500) expect(app.stats!.spooledBatches).toBeGreaterThan(0);
    });

    it("the collector took each signal in audit.seq order, every seq once", () => {
      const { app, requests } = outcome();
      for (const [signal, total] of [
        ["traces", RUNS * SPANS_PER_SEQUENTIAL_RUN],
        ["logs", 2 * RUNS * SPANS_PER_SEQUENTIAL_RUN],
      ] as const) {
        const mine = requests.filter((r) => r.instances.includes(String(app.instanceId)));
        expect({ signal, seqs: acceptedSeqs(mine, signal) }).toEqual({ signal, seqs: Array.from({ length: total }, (_, i) => i + 1) });
      }
    });

    it("verify: the instance's chains are complete, with no gap", () => {
      const { app, report } = outcome();
      expect(instanceChains(report, app.instanceId)).toEqual({
        traces: completeChain(RUNS * SPANS_PER_SEQUENTIAL_RUN),
        logs: completeChain(2 * RUNS * SPANS_PER_SEQUENTIAL_RUN),
      });
      expect(report?.problems).toEqual(NO_PROBLEMS);
    });
  });
});
