// SPDX-License-Identifier: Apache-2.0
// What our export contract costs at least, per invoke, beyond the floor: what ours exports is captured once per
// workload and policy (`contract-child.mjs`, role "capture", a short process each), then every round times, in a
// fresh Node per workload, bare spans against the captured spans with their attributes, and the payload work each
// policy requires with the cheapest primitives. The lower bound = the floor's overhead (from the main results of
// the same run) + the attributes' cost + the payloads' cost.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { GOALS } from "./aggregate.mjs";
import { markdownTable, micros, range } from "./format.mjs";
import { runChild } from "./runner.mjs";
import { max, median, min } from "./stats.mjs";

const POLICIES = ["none", "full", "redacted"];

const stat = (values) => ({ median: median(values), min: min(values), max: max(values) });

/**
 * Captures, then `rounds` rounds of one timing child per workload (rotated per round). Returns per workload and
 * policy the attributes' and the payloads' cost over rounds, or `{ error }` when a child failed (a capture with no
 * span, attributes that are not what the policy says, payloads that do not match what ours exported).
 */
export async function measureContractCost({ rounds, quick, workloads, log }) {
  const dir = mkdtempSync(path.join(tmpdir(), "langchain-otel-contract-"));
  try {
    const captures = {};
    for (const w of workloads) {
      captures[w.id] = {};
      let captured;
      for (const policy of POLICIES) {
        const out = path.join(dir, `${w.id}-${policy}.json`);
        captured = await runChild("contract-child.mjs", { role: "capture", workload: w.id, policy, out });
        if (captured.error !== undefined) return { error: `capture (${w.id}) ${policy}: ${captured.error}` };
        captures[w.id][policy] = out;
      }
      log(`bench: contract: captured (${w.id}) under none, full and redacted: ${captured.spans} spans, ${captured.payloads} payloads per invoke`);
    }
    const spec = quick ? { reps: 9, blockMicros: 2000, warmupMillis: 300 } : { reps: 15, blockMicros: 3000, warmupMillis: 500 };
    const results = new Map(workloads.map((w) => [w.id, []]));
    for (let round = 0; round < rounds; round++) {
      for (const w of workloads.map((_, i) => workloads[(i + round) % workloads.length])) {
        const started = Date.now();
        const result = await runChild("contract-child.mjs", { role: "time", workload: w.id, captures: captures[w.id], ...spec }, { nodeFlags: ["--expose-gc"] });
        if (result.error !== undefined) return { error: `(${w.id}) round ${round + 1}: ${result.error}` };
        results.get(w.id).push(result);
        const figures = POLICIES.map((p) => `${p} +${micros(result.byPolicy[p].attributeMicros)} attributes +${micros(result.byPolicy[p].payloadMicros + result.byPolicy[p].scanMicros)} payloads`);
        log(`bench: contract: round ${round + 1}/${rounds} (${w.id}): µs/invoke ${figures.join(", ")}; ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
    }
    return { rounds, spec, workloads: workloads.map((w) => summarise(w, results.get(w.id))) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One workload's rounds folded: medians (min–max) over rounds of the per-round paired medians. */
function summarise(workload, results) {
  const first = results[0];
  const byPolicy = {};
  for (const p of POLICIES) {
    const mine = results.map((r) => r.byPolicy[p]);
    byPolicy[p] = {
      spans: mine[0].spans,
      attributes: mine[0].attributes,
      digests: mine[0].digests,
      attributeMicros: stat(mine.map((r) => r.attributeMicros)),
      payloadMicros: stat(mine.map((r) => r.payloadMicros)),
      scanMicros: mine[0].scanMicros,
      scannedChars: mine[0].scannedChars,
    };
  }
  const hmacWins = {};
  for (const r of results) hmacWins[r.hmac] = (hmacWins[r.hmac] ?? 0) + 1;
  return {
    workload,
    bareMicros: stat(results.map((r) => r.bareMicros)),
    payloads: first.payloads,
    payloadChars: first.payloadChars,
    largestPayloadChars: first.largestPayloadChars,
    plainJsonChars: first.plainJsonChars,
    budgetBytes: first.budgetBytes,
    scanMarginChars: first.scanMarginChars,
    scanMbPerSecond: first.scanMbPerSecond,
    hmacWins,
    byPolicy,
  };
}

/**
 * Per workload × policy, with the main results' overheads (`rows`): the lower bound, its ratio to the goal's
 * reference, the goal, ours ÷ the bound and the verdict.
 */
export function contractBounds(contract, rows) {
  const bounds = [];
  for (const w of contract.workloads) {
    const row = (modeId) => rows.find((r) => r.workload.id === w.workload.id && r.mode.id === modeId);
    const floorStat = row("floor")?.overhead;
    const floor = floorStat?.median;
    const peerLabel = rows.find((r) => r.workload.id === w.workload.id && r.fastestPeer !== undefined)?.fastestPeer;
    const peerStat = rows.find((r) => r.workload.id === w.workload.id && r.mode.label === peerLabel)?.overhead;
    const peer = peerStat?.median;
    for (const policy of POLICIES) {
      const goal = GOALS.find((g) => g.mode === `ours-${policy}`);
      const c = w.byPolicy[policy];
      const payload = c.payloadMicros.median + c.scanMicros;
      const bound = floor === undefined ? undefined : floor + c.attributeMicros.median + payload;
      const reference = goal.against === "floor" ? floor : peer;
      const ratio = bound !== undefined && reference > 0 ? bound / reference : undefined;
      // The spread the parts' min–max allow (the main results and the contract's rounds are not paired).
      const extra = (end) => c.attributeMicros[end] + c.payloadMicros[end] + c.scanMicros;
      const spread =
        ratio === undefined
          ? undefined
          : goal.against === "floor"
            ? { min: 1 + extra("min") / floorStat.max, max: 1 + extra("max") / floorStat.min }
            : { min: (floorStat.min + extra("min")) / peerStat.max, max: (floorStat.max + extra("max")) / peerStat.min };
      const ours = row(`ours-${policy}`)?.overhead?.median;
      bounds.push({
        workload: w.workload,
        policy,
        contract: c,
        payload,
        bound,
        ratio,
        spread,
        goal,
        referenceLabel: goal.against === "floor" ? "floor" : (peerLabel ?? "fastest peer"),
        oursToBound: ours !== undefined && bound > 0 ? ours / bound : undefined,
        unreachable: ratio === undefined ? undefined : ratio > goal.limit,
      });
    }
  }
  return bounds;
}

const times = (value) => (value === undefined || !Number.isFinite(value) ? "–" : `${value.toFixed(2)}×`);

/** BENCHMARKS.md's section "What the export contract costs at least". */
export function contractSection(contract, rows, { skipped } = {}) {
  const lines = ["## What the export contract costs at least", ""];
  if (skipped) return [...lines, "Not run (`--no-contract`).", ""];
  if (contract === undefined) return [...lines, "Not run.", ""];
  if (contract.error) return [...lines, `Failed: ${contract.error}`, ""];
  const any = contract.workloads[0];
  lines.push(
    "A lower bound for any implementation of our export contract, per invoke, beyond the floor. What ours exports for one " +
      "invoke is captured under each policy (ours with an in-memory exporter, the second invoke's spans: names, kinds, attributes, " +
      "events, parents; a capture with no span, or attributes that are not what the policy says, fails the bench). Then, in a " +
      `fresh Node per workload and round (${contract.rounds} rounds, ${contract.spec.reps} repetitions alternating the order, medians), on ` +
      "the floor's setup (batch processor, discarding exporter): **attributes** = the captured spans opened with their names, kinds, " +
      "attributes and parents and ended, minus as many bare `startSpan(\"run\")` spans (what the floor does per run); **payloads** = " +
      "the least the policy requires of every payload LangChain handed the callbacks: its canonical text written with " +
      "`JSON.stringify` from plain data (a string as is), and under `none` its HMAC-SHA-256 and UTF-8 size (the cheaper of two one-shot " +
      `\`crypto.hash\` calls over the padded key and \`createHmac\`, measured), under \`full\` the SHA-256 of a value over the ${any.budgetBytes}-byte ` +
      "budget, under `redacted` its HMAC instead, plus the redaction scan of the exported part (min(length, " +
      `${any.budgetBytes} + ${any.scanMarginChars}) characters) charged at issue 13's target of ${any.scanMbPerSecond} MB/s: computed, not timed. ` +
      "Lower bound = the floor's overhead (median of this run's main results) + attributes + payloads; ÷ floor for `none` and `full`, " +
      "÷ the fastest peer's overhead for `redacted`, against the goal (the median decides; the main results and these rounds ran in " +
      "different processes, so the range beside it is what the parts' min–max allow, not a paired spread). Where the bound already exceeds the goal, nothing that keeps " +
      "the contract can meet it; elsewhere \"ours ÷ bound\" is how far ours is above it. µs per invoke, median (min–max) over rounds:",
    "",
    markdownTable(
      ["workload", "policy", "spans (attributes)", "attributes µs", "payloads µs", "lower bound µs", "bound ÷ reference", "goal", "ours ÷ bound", "verdict"],
      contractBounds(contract, rows).map((b) => [
        `(${b.workload.id}) ${b.workload.name}`,
        b.policy,
        `${b.contract.spans} (${b.contract.attributes})`,
        range(b.contract.attributeMicros),
        `${range(b.contract.payloadMicros)}${b.contract.scanMicros > 0 ? ` + scan ${micros(b.contract.scanMicros)}` : ""}`,
        micros(b.bound),
        `${times(b.ratio)} ${b.referenceLabel}${b.spread ? ` (${times(b.spread.min)}–${times(b.spread.max)})` : ""}`,
        `≤ ${b.goal.limit}`,
        times(b.oursToBound),
        b.unreachable === undefined ? "not decided" : b.unreachable ? "**goal unreachable for the contract**" : "reachable in principle",
      ]),
    ),
    "",
  );
  for (const w of contract.workloads) {
    const hmac = Object.entries(w.hmacWins).map(([name, n]) => `${name} in ${n}`).join(", ");
    lines.push(
      `- (${w.workload.id}) ${w.workload.name}: ${w.payloads} payloads, ${w.payloadChars} characters of canonical text (largest ${w.largestPayloadChars}); ` +
        `plain \`JSON.stringify\` of LangChain's own objects (their \`toJSON\`) would write ${w.plainJsonChars}. Bare spans ${range(w.bareMicros)} µs. ` +
        `Cheaper HMAC: ${hmac} of ${contract.rounds} rounds.`,
    );
  }
  lines.push(
    "",
    "The bound leaves out everything else ours does (run bookkeeping, naming, metadata, audit records, the conversion of LangChain's " +
      "objects to plain data): it is what the exported spans and the digests cost at least, not what a good implementation costs.",
    "",
  );
  return lines;
}
