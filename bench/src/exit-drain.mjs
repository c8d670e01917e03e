// SPDX-License-Identifier: Apache-2.0
// What the exit drain costs when the process ends: `exit-drain-child.mjs` queues N runs and calls process.exit(0);
// the time from that call to the process's end, measured by the parent, minus a control child's (the same, nothing
// queued) of the same round. The audit files each child leaves must hold exactly what it made, or the bench fails.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ATTR_AUDIT_SEQ, EVENT_RUN_END, EVENT_RUN_START } from "@langchain-otel/instrumentation/semconv";
import { markdownTable } from "./format.mjs";
import { childEnv } from "./runner.mjs";
import { max, median, min } from "./stats.mjs";

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), "exit-drain-child.mjs");
const EXIT_CALLED = "EXIT_CALLED";
const RESULT_PREFIX = "BENCH_RESULT ";
const TIMEOUT_MILLIS = 120_000;

/** Runs queued before the exit, per case: 1 span + 2 audit records each (0 is the control). */
export const DRAIN_RUNS = [500, 5000];
const WARMUP_RUNS = 200;

const stat = (values) => ({ median: median(values), min: min(values), max: max(values) });

/**
 * One child: resolves { exitMillis (parent-measured, from "EXIT_CALLED" on its stdout to its exit), drainMicros
 * (inside the child, from process.exit to its last exit listener), stats, dir } or rejects with what went wrong.
 */
function runDrainChild(spec) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, JSON.stringify(spec)], { env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let exitCalledAt;
    child.stdout.on("data", (d) => {
      stdout += d;
      if (exitCalledAt === undefined && stdout.includes(EXIT_CALLED)) exitCalledAt = performance.now();
    });
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MILLIS);
    let exitedAt;
    child.on("exit", () => (exitedAt = performance.now()));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
      const result = line === undefined ? undefined : JSON.parse(line.slice(RESULT_PREFIX.length));
      if (code !== 0 || result === undefined || result.error !== undefined || exitCalledAt === undefined) {
        const why = result?.error ?? (signal ? `killed by ${signal}` : `exit ${code}`);
        return reject(new Error(`exit-drain child (${spec.runs} runs): ${why}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`));
      }
      resolve({ exitMillis: exitedAt - exitCalledAt, drainMicros: result.drainMicros, stats: result.stats });
    });
  });
}

/** The items of every line of an OTLP/JSON lines file (`traces.jsonl`: spans, `logs.jsonl`: log records). */
function itemsOf(file, signal) {
  const items = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line === "") continue;
    const request = JSON.parse(line);
    if (signal === "traces") for (const rs of request.resourceSpans) for (const ss of rs.scopeSpans) items.push(...ss.spans);
    else for (const rl of request.resourceLogs) for (const sl of rl.scopeLogs) items.push(...sl.logRecords);
  }
  return items;
}

/** Throws unless `items` carry audit.seq 1..n exactly once each (no gap, no repeat). */
function checkSeq(items, what) {
  const seqs = items.map((item) => Number(item.attributes.find((a) => a.key === ATTR_AUDIT_SEQ)?.value.intValue)).sort((a, b) => a - b);
  seqs.forEach((seq, i) => {
    if (seq !== i + 1) throw new Error(`${what}: audit.seq ${i + 1} expected, found ${seq} (a gap or a repeat)`);
  });
}

/**
 * What the child left in its audit directory must be exactly what it made: one span and a start and an end record
 * per run (warm-up and queued), each chain's audit.seq without gap or repeat, and the queued items counted as drained.
 */
function verifyDrained(dir, runs, stats) {
  const made = WARMUP_RUNS + runs;
  const spans = itemsOf(path.join(dir, "audit", "traces.jsonl"), "traces");
  const records = itemsOf(path.join(dir, "audit", "logs.jsonl"), "logs");
  const starts = records.filter((r) => r.eventName === EVENT_RUN_START).length;
  const ends = records.filter((r) => r.eventName === EVENT_RUN_END).length;
  const where = `exit drain of ${runs} runs (${dir})`;
  if (spans.length !== made || starts !== made || ends !== made || records.length !== 2 * made) {
    throw new Error(`${where}: expected ${made} spans and ${made} start + ${made} end records, found ${spans.length} spans, ${starts} start and ${ends} end records of ${records.length}`);
  }
  checkSeq(spans, `${where}, spans`);
  checkSeq(records, `${where}, records`);
  if (stats.exitDrainedItems !== 3 * runs) throw new Error(`${where}: ${3 * runs} items queued at exit, the exit path counted ${stats.exitDrainedItems} drained`);
  return { spans: spans.length, records: records.length };
}

/**
 * `rounds` rounds of the control and each case of DRAIN_RUNS, the order alternating; per case, the drain time
 * (parent-measured exit time minus the control's of the same round), µs per drained item, the in-process drain
 * time, and the counts verified. Returns { error } if a child fails or its files are not exactly right.
 */
export async function measureExitDrain({ rounds, log }) {
  const cases = [0, ...DRAIN_RUNS];
  const byRound = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? cases : [...cases].reverse();
      const results = new Map();
      for (const runs of order) {
        const dir = mkdtempSync(path.join(os.tmpdir(), "langchain-otel-bench-drain-"));
        try {
          const result = await runDrainChild({ dir, runs, warmupRuns: WARMUP_RUNS });
          result.verified = verifyDrained(dir, runs, result.stats);
          results.set(runs, result);
          log(`bench: exit drain round ${round + 1}/${rounds}, ${runs} runs queued: exit took ${result.exitMillis.toFixed(1)} ms (${(result.drainMicros / 1000).toFixed(1)} ms inside); files verified: ${result.verified.spans} spans, ${result.verified.records} records`);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      byRound.push(results);
    }
  } catch (err) {
    return { error: String(err?.message ?? err) };
  }
  const control = byRound.map((r) => r.get(0));
  return {
    rounds,
    warmupRuns: WARMUP_RUNS,
    control: { exitMillis: stat(control.map((c) => c.exitMillis)), drainMicros: stat(control.map((c) => c.drainMicros)) },
    cases: DRAIN_RUNS.map((runs) => {
      const items = 3 * runs;
      const extraMillis = byRound.map((r) => r.get(runs).exitMillis - r.get(0).exitMillis);
      const insideMicros = byRound.map((r) => r.get(runs).drainMicros);
      return {
        runs,
        spans: runs,
        records: 2 * runs,
        items,
        exitMillis: stat(byRound.map((r) => r.get(runs).exitMillis)),
        extraMillis: stat(extraMillis),
        microsPerItem: stat(extraMillis.map((m) => (m * 1000) / items)),
        insideMillis: stat(insideMicros.map((m) => m / 1000)),
        insideMicrosPerItem: stat(insideMicros.map((m) => m / items)),
      };
    }),
  };
}

const ms = (s) => `${s.median.toFixed(1)} (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;

/** The exit drain's table (BENCHMARKS.md), after `hookLines` (the exit hooks at run time). */
export function exitDrainSection(drain, hookLines, { skipped }) {
  const lines = ["### The exit drain: none at run time, its cost when the process ends", ""];
  if (skipped) return [...lines, "Not run (`--no-exit-drain`).", ""];
  lines.push(...hookLines);
  if (drain === undefined) return lines;
  if (drain.error) return [...lines, `The exit drain measurement failed: ${drain.error}`, ""];
  lines.push(
    `When the process ends: \`src/exit-drain-child.mjs\` starts the distro (\`start()\`, default policy, embedded audit files), exports ` +
      `${drain.warmupRuns} runs (warm code, settled resource), then queues N runs through the instrumentation's handler without yielding ` +
      "(each a span and its start and end records; the queues sized to hold them all, since the embedded default writes every full batch " +
      "of 512 at once, so by default at most 511 spans and 511 records wait for the exit path) and calls `process.exit(0)`; the exit " +
      "path writes them synchronously. The parent times from the child's line printed just before `process.exit` to the child's exit, " +
      `minus the same time of a control child (nothing queued) of the same round; ${drain.rounds} round${drain.rounds === 1 ? "" : "s"}, the order alternating. The ` +
      "child also times its exit path from `process.exit` to an exit listener registered after the distro's. Every child's audit files " +
      "are then checked: exactly one span and one start and one end record per run, `audit.seq` without gap or repeat in both chains, " +
      "and the exit path's count of drained items equal to what was queued (the bench fails otherwise).",
    "",
    markdownTable(
      ["queued at exit", "exit, ms (parent)", "drain, ms (minus control)", "µs per drained item", "inside the child, ms", "µs per item inside", "files verified"],
      [
        ["control: nothing", ms(drain.control.exitMillis), "–", "–", ms({ median: drain.control.drainMicros.median / 1000, min: drain.control.drainMicros.min / 1000, max: drain.control.drainMicros.max / 1000 }), "–", "yes"],
        ...drain.cases.map((c) => [
          `${c.runs} runs: ${c.spans} spans + ${c.records} records`,
          ms(c.exitMillis),
          ms(c.extraMillis),
          `**${ms(c.microsPerItem)}**`,
          ms(c.insideMillis),
          ms(c.insideMicrosPerItem),
          "yes",
        ]),
      ],
    ),
    "",
  );
  return lines;
}
