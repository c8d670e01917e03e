// SPDX-License-Identifier: Apache-2.0
// pnpm bench [--quick] [--rounds N] [--workloads a,c] [--modes none,ours-full] [--out FILE]
//            [--throughput-seconds S] [--no-throughput] [--no-signing] [--no-profile] [--profile-workloads a,d]
//            [--no-redaction] [--no-journal] [--no-exit-drain] [--no-contract]
// pnpm bench --scale-only [--out FILE]
// Runs every mode × workload × round in a fresh Node, prints one table and writes BENCHMARKS.md at the repo root.
// --scale-only measures nothing: it re-renders BENCHMARKS.md's scale section from bench/scale-e2e.json (which
// e2e/scale.test.ts writes) and leaves the rest of the file as it is.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { aggregate, evaluateGoals } from "./aggregate.mjs";
import { buildInstrumentation } from "./build.mjs";
import { measureCollectorThroughput } from "./collector-throughput.mjs";
import { contractBounds, measureContractCost } from "./contract-cost.mjs";
import { DRAIN_RUNS, measureExitDrain } from "./exit-drain.mjs";
import { exitHooksCost, journalCost, measureJournalBatching } from "./journal-cost.mjs";
import { measureSigningCost } from "./signing-cost.mjs";
import { micros } from "./format.mjs";
import { REPO_ROOT } from "./installed.mjs";
import { describeMachine, loadavg, sampleLoad } from "./machine.mjs";
import { MODES, modeById } from "./modes/index.mjs";
import { profileMode } from "./profile.mjs";
import { CHAIN_CASES, measureChain, measureEngine } from "./redaction.mjs";
import { benchmarksMarkdown, goalsTable, resultsTable, spliceScaleSection } from "./report.mjs";
import { runChild } from "./runner.mjs";
import { max, min } from "./stats.mjs";
import { WORKLOADS, workloadById } from "./workloads/index.mjs";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    workloads: { type: "string" },
    modes: { type: "string" },
    out: { type: "string", default: path.join(REPO_ROOT, "BENCHMARKS.md") },
    "throughput-seconds": { type: "string" },
    "no-throughput": { type: "boolean", default: false },
    "no-profile": { type: "boolean", default: false },
    "no-signing": { type: "boolean", default: false },
    "no-redaction": { type: "boolean", default: false },
    "no-journal": { type: "boolean", default: false },
    "no-exit-drain": { type: "boolean", default: false },
    "no-contract": { type: "boolean", default: false },
    batches: { type: "string" },
    "profile-workloads": { type: "string" },
    "scale-only": { type: "boolean", default: false },
  },
});

const SCALE_MEASUREMENT = path.join(REPO_ROOT, "bench", "scale-e2e.json");
const readScaleMeasurement = () => (existsSync(SCALE_MEASUREMENT) ? JSON.parse(readFileSync(SCALE_MEASUREMENT, "utf8")) : undefined);
if (args["scale-only"]) {
  if (!existsSync(args.out)) throw new Error(`--scale-only updates an existing ${args.out}: run a full \`pnpm bench\` first`);
  const scale = readScaleMeasurement();
  if (scale === undefined) throw new Error(`--scale-only: ${SCALE_MEASUREMENT} is missing: run e2e/scale.test.ts with LANGCHAIN_OTEL_SCALE_MEASUREMENT_OUT=${SCALE_MEASUREMENT}`);
  writeFileSync(args.out, spliceScaleSection(readFileSync(args.out, "utf8"), scale));
  process.stderr.write(`bench: scale section of ${args.out} rendered from ${SCALE_MEASUREMENT} (${scale.date})\n`);
  process.exit(0);
}

const started = Date.now();
const size = args.quick ? "quick" : "full";
const rounds = Number(args.rounds ?? (args.quick ? 2 : 5));
const batches = Number(args.batches ?? (args.quick ? 5 : 10));
const warmupMillis = args.quick ? 400 : 1500;
const throughputSeconds = Number(args["throughput-seconds"] ?? (args.quick ? 3 : 10));
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got ${args.rounds}`);
const workloads = args.workloads ? args.workloads.split(",").map(workloadById) : WORKLOADS;
// The journal and exit-hook modes belong to their sections: --no-journal / --no-exit-drain leave them out (and
// ours (distro), their reference, when both are out), unless --modes names them.
const sectionModes = new Set([...(args["no-journal"] ? ["ours-journal"] : []), ...(args["no-exit-drain"] ? ["ours-distro-no-exit-hooks"] : [])]);
if (args["no-journal"] && args["no-exit-drain"]) sectionModes.add("ours-distro");
const modes = args.modes ? args.modes.split(",").map(modeById) : MODES.filter((m) => !sectionModes.has(m.id));
// ours (distro) is the reference of the journal's and the exit hooks' costs.
if (modes.some((m) => m.reference === "ours-distro") && !modes.some((m) => m.id === "ours-distro")) {
  modes.splice(modes.findIndex((m) => m.reference === "ours-distro"), 0, modeById("ours-distro"));
}
// Overheads are measured against none, ratios against the floor.
if (!modes.some((m) => m.id === "none")) modes.unshift(modeById("none"));
if (!modes.some((m) => m.id === "floor")) modes.splice(modes.findIndex((m) => m.id === "none") + 1, 0, modeById("floor"));
const argv = process.argv.slice(2).join(" ");
const command = process.env.npm_lifecycle_event === "start" ? `pnpm bench${argv ? ` ${argv}` : ""}` : `node bench/src/main.mjs${argv ? ` ${argv}` : ""}`;
const log = (line) => process.stderr.write(`${line}\n`);

const machine = describeMachine();
const loadStart = loadavg();
const load = sampleLoad();
log(`bench: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}; loadavg ${loadStart.join(" ")}; ${rounds} rounds (${size})`);

const build = buildInstrumentation();
if (build.warning) log(`bench: ${build.warning}`);

// A mode that reports itself unavailable is not started again in later rounds.
const unavailable = new Map();
const runs = [];
// A mode measured on the first workload only (the exit hooks: nothing they do depends on the workload).
// A mode with maxRounds runs in the first rounds only (still paired with the others of the same rounds).
const measures = (mode, workload, round) => (!mode.firstWorkloadOnly || workload === workloads[0]) && round < (mode.maxRounds ?? rounds);
let total = 0;
for (let round = 0; round < rounds; round++) for (const w of workloads) total += modes.filter((m) => measures(m, w, round)).length;
const seconds = (millis) => `${Math.round(millis / 1000)} s`;
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? modes : [...modes].reverse();
  const rotated = workloads.map((_, i) => workloads[(i + round) % workloads.length]);
  const roundStart = Date.now();
  for (const workload of rotated) {
    for (const mode of order) {
      if (!measures(mode, workload, round)) continue;
      const key = `${workload.id}/${mode.id}`;
      if (unavailable.has(mode.id)) {
        runs.push({ round, workload: workload.id, mode: mode.id, result: { unavailable: unavailable.get(mode.id) } });
        continue;
      }
      // The distro's modes write files (and the journal) on every invoke: they time a share of the invokes to keep the bench short.
      const scaled = (n) => Math.max(batches, Math.round(n * (mode.sizeScale?.[size] ?? 1)));
      const spec = { mode: mode.id, workload: workload.id, iterations: scaled(workload.iterations[size]), warmup: scaled(workload.warmup[size]), warmupMillis, batches };
      const result = await runChild("child.mjs", spec, { nodeFlags: ["--expose-gc"] });
      if (result.unavailable !== undefined) unavailable.set(mode.id, result.unavailable);
      if (result.error !== undefined) log(`bench: ${key} round ${round + 1} failed: ${result.error}`);
      runs.push({ round, workload: workload.id, mode: mode.id, result });
      const elapsed = Date.now() - started;
      const left = (elapsed / runs.length) * (total - runs.length);
      const figure = result.microsPerInvoke !== undefined ? `${micros(result.microsPerInvoke)} µs/invoke` : (result.unavailable ?? "failed");
      log(`bench: [${runs.length}/${total}] round ${round + 1}/${rounds} (${workload.id}) ${mode.label}: ${figure}; ${seconds(elapsed)} elapsed, ~${seconds(left)} left for the modes`);
    }
  }
  log(`bench: round ${round + 1}/${rounds} done in ${((Date.now() - roundStart) / 1000).toFixed(0)} s (loadavg ${loadavg()[0]})`);
}

const rows = aggregate(runs, workloads, modes);
const goals = evaluateGoals(rows, workloads);

const journal = args["no-journal"] ? undefined : journalCost(runs, workloads);
const exitHooks = args["no-exit-drain"] ? undefined : exitHooksCost(runs, workloads);
// A journal mode that did not journal (its child fails then) or a drain that lost anything fails the bench.
const failures = runs.filter((r) => r.mode === "ours-journal" && r.result.error !== undefined).map((r) => `ours-journal on (${r.workload}) round ${r.round + 1}: ${r.result.error}`);

let contract;
if (!args["no-contract"]) {
  log("bench: what the export contract costs at least (captures, then one process per workload and round)");
  contract = await measureContractCost({ rounds, quick: args.quick, workloads, log });
  if (contract.error) failures.push(`export contract: ${contract.error}`);
}

let throughput;
if (!args["no-throughput"]) {
  log(`bench: end-to-end throughput into the Collector, ${throughputSeconds} s`);
  throughput = await measureCollectorThroughput({ seconds: throughputSeconds, policy: "full" });
  if (throughput.skipped) log(`bench: throughput skipped: ${throughput.skipped}`);
}

let signing;
if (!args["no-signing"]) {
  log("bench: signing cost per record (hash chain alone, then with signed checkpoints)");
  signing = await measureSigningCost({ rounds, quick: args.quick });
  if (signing.error) log(`bench: signing failed: ${signing.error}`);
}

let journalBatching;
if (!args["no-journal"]) {
  log("bench: the journal alone, by items per write()");
  journalBatching = await measureJournalBatching({ quick: args.quick });
  if (journalBatching.error) failures.push(`journal batching: ${journalBatching.error}`);
}

let exitDrain;
if (!args["no-exit-drain"]) {
  const drainRounds = Math.min(rounds, 3);
  log(`bench: the exit drain (a control, then ${DRAIN_RUNS.join(" and ")} runs queued at process.exit), ${drainRounds} rounds`);
  exitDrain = await measureExitDrain({ rounds: drainRounds, log });
  if (exitDrain.error) failures.push(`exit drain: ${exitDrain.error}`);
}

let profiles;
if (!args["no-profile"]) {
  // The default policy is the one users get: profile it on every workload measured (or the ones asked for).
  const mode = modeById("ours-redacted");
  const profiled = args["profile-workloads"] ? args["profile-workloads"].split(",").map(workloadById) : workloads;
  profiles = [];
  for (const w of profiled) {
    log(`bench: profiling (${w.id}) ${mode.label} with node --cpu-prof`);
    const profile = await profileMode({ mode: mode.id, workload: w.id, iterations: w.iterations[size] * 2, warmup: w.warmup[size], warmupMillis });
    profiles.push({ ...profile, mode, workload: w });
  }
}

let redaction;
if (!args["no-redaction"]) {
  const { GENERATORS } = await import("../../packages/instrumentation/test/redaction/generators.ts");
  log(`bench: redaction throughput and scaling on ${GENERATORS.length} generators, and the issue's chain cases`);
  const engine = await measureEngine({ generators: GENERATORS.map((g) => g.name), log });
  // --quick: the chain cases up to 1 MB only (the 5 MB CSV takes a while to build and serialize).
  const chain = await measureChain({ cases: args.quick ? CHAIN_CASES.slice(0, 4) : CHAIN_CASES, log });
  redaction = { engine, chain };
}

const loadDuring = load.stop();
const run = {
  date: new Date().toISOString(),
  command,
  quick: args.quick,
  rounds,
  elapsedSeconds: (Date.now() - started) / 1000,
  machine,
  loadStart,
  loadEnd: loadavg(),
  loadDuring: { min: min(loadDuring), max: max(loadDuring) },
  build,
  workloads,
  modes,
  warmupMillis,
  sizes: Object.fromEntries(workloads.map((w) => [w.id, { iterations: w.iterations[size], warmup: w.warmup[size] }])),
  rows,
  goals,
  contract,
  throughput,
  signing,
  journal,
  journalBatching,
  exitHooks,
  exitDrain,
  skipped: { journal: args["no-journal"], exitDrain: args["no-exit-drain"], contract: args["no-contract"] },
  // Recorded by e2e/scale.test.ts (it needs the scale stack, which the benchmark does not start).
  scale: readScaleMeasurement(),
  profiles,
  redaction,
};
writeFileSync(args.out, `${benchmarksMarkdown(run)}\n`);

const lines = [
  resultsTable(rows),
  "",
  goalsTable(goals).replaceAll("**", ""),
];
if (contract !== undefined && contract.error === undefined) {
  for (const b of contractBounds(contract, rows)) {
    lines.push(
      `Contract (${b.workload.id}) ${b.policy}: lower bound ${micros(b.bound)} µs = ${b.ratio === undefined ? "–" : b.ratio.toFixed(2)}× ${b.referenceLabel} (goal ≤ ${b.goal.limit}): ` +
        `${b.unreachable === undefined ? "not decided" : b.unreachable ? "unreachable for the contract" : "reachable in principle"}; ours ${b.oursToBound?.toFixed(2) ?? "–"}× the bound.`,
    );
  }
}
if (throughput?.spansPerSecond !== undefined) {
  lines.push(
    `End-to-end: ${throughput.spansPerSecond.toFixed(0)} spans/s acknowledged by the Collector (ours, ${throughput.policy}, workload (a), ` +
      `${throughput.windowSeconds.toFixed(0)} s; ${throughput.droppedSpans} of ${throughput.producedSpans} dropped by a full queue).`,
  );
} else if (throughput) lines.push(`End-to-end: ${throughput.skipped ?? throughput.error}`);
if (signing !== undefined && signing.error === undefined) {
  lines.push(
    `Signing: ${signing.overheadNanos.median.toFixed(0)} ns per record over the hash chain's ${signing.hashedNanos.median.toFixed(0)} ns ` +
      `(${signing.overheadRatio.toFixed(3)}×); one Ed25519 signature ${signing.signMicros.median.toFixed(1)} µs per ${signing.checkpointRecords} records = ` +
      `${signing.amortisedNanos.toFixed(0)} ns each.`,
  );
}
for (const row of journal ?? []) {
  lines.push(
    `Journal (${row.workload.id}): ${row.microsPerItem?.median.toFixed(1) ?? "–"} µs per journaled item (${row.spansPerInvoke} spans + ${row.recordsPerInvoke} records per invoke); ` +
      `overhead ${row.toDistro?.median.toFixed(2) ?? "–"}× ours (distro)'s, ${row.toRedacted?.median.toFixed(2) ?? "–"}× ours (redacted)'s.`,
  );
}
if (exitHooks !== undefined) {
  lines.push(`Exit hooks at run time (${exitHooks.workload.id}): ours (distro) ÷ no exit hooks = ${exitHooks.ratio?.median.toFixed(2) ?? "–"}× (${exitHooks.ratio?.min.toFixed(2) ?? "–"}–${exitHooks.ratio?.max.toFixed(2) ?? "–"}).`);
}
for (const c of exitDrain?.cases ?? []) {
  lines.push(`Exit drain: ${c.items} items queued (${c.spans} spans + ${c.records} records): +${c.extraMillis.median.toFixed(1)} ms at exit, ${c.microsPerItem.median.toFixed(1)} µs per item; files verified.`);
}
if (redaction !== undefined) {
  const ok = redaction.engine.filter((r) => r.error === undefined);
  const realistic = ok.find((r) => r.generator === "realistic prose");
  const worst = ok.reduce((a, b) => (a === undefined || b.mbPerSecond < a.mbPerSecond ? b : a), undefined);
  lines.push(
    `Redaction: realistic text ${realistic?.mbPerSecond.toFixed(1) ?? "–"} MB/s, worst generator (${worst?.generator ?? "–"}) ${worst?.mbPerSecond.toFixed(1) ?? "–"} MB/s; ` +
      `largest 1 MB ÷ 100 KB ratio ${Math.max(...ok.map((r) => r.ratio)).toFixed(1)}; see "Redaction under hostile input".`,
  );
}
for (const profile of profiles ?? []) {
  if (profile.summary === undefined) continue;
  const s = profile.summary;
  const top = s.self.slice(0, 5).map((f) => `${f.name.split(" (")[0]} [${f.owner}] ${((100 * f.micros) / s.totalMicros).toFixed(1)} %`);
  lines.push(`Profile (${profile.workload.id}) ${profile.mode.label}, self time: ${top.join(", ")}; see "Where the time goes".`);
}
lines.push(
  `Machine: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}; loadavg ${loadStart.join(" ")} → ${run.loadEnd.join(" ")} ` +
    `(1-min ${micros(run.loadDuring.min)}–${micros(run.loadDuring.max)} during). ${run.elapsedSeconds.toFixed(0)} s. Written to ${path.relative(REPO_ROOT, args.out).startsWith("..") ? args.out : path.relative(REPO_ROOT, args.out)}.`,
);
process.stdout.write(`${lines.join("\n")}\n`);
if (failures.length) {
  for (const failure of failures) log(`bench: FAILED: ${failure}`);
  process.exitCode = 1;
}
