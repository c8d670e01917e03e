// SPDX-License-Identifier: Apache-2.0
import { markdownTable, micros, percent, range } from "./format.mjs";
import { contractSection } from "./contract-cost.mjs";
import { exitDrainSection } from "./exit-drain.mjs";
import { exitHooksLines, journalSection } from "./journal-cost.mjs";
import { redactionSection } from "./redaction.mjs";

const RUNTIME_OWNERS = new Set(["Node.js", "V8 builtins"]);

function spans(value) {
  if (value === undefined) return "–";
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

const ratio = (value) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : "–");

/** A per-round ratio: median (min–max). */
export function ratioRange(stat) {
  return stat === undefined ? "–" : `${ratio(stat.median)} (${ratio(stat.min)}–${ratio(stat.max)})`;
}

/** The results table: one row per workload × mode. */
export function resultsTable(rows) {
  const header = [
    "workload",
    "mode",
    "µs/invoke, median (min–max)",
    "overhead vs none, µs",
    "÷ floor (paired per round)",
    "÷ fastest peer (paired per round)",
    "spans/invoke",
    "peak RSS MB",
  ];
  let previous;
  const body = rows.map((row) => {
    const first = row.workload !== previous;
    previous = row.workload;
    const workloadCell = first ? `(${row.workload.id}) ${row.workload.title}` : "";
    if (row.missing) return [workloadCell, row.mode.label, row.missing, "", "", "", "", ""];
    const overhead = row.mode.id === "none" ? "baseline" : row.overhead ? range(row.overhead) : "–";
    const toPeer = row.toPeer === undefined ? "–" : `${ratioRange(row.toPeer)}${row.mode.label === row.fastestPeer ? " (fastest)" : ""}`;
    return [workloadCell, row.mode.label, range(row.micros), overhead, row.mode.id === "none" ? "" : ratioRange(row.toFloor), row.mode.id === "none" ? "" : toPeer, spans(row.spansPerInvoke), row.peakRssMb.toFixed(0)];
  });
  return markdownTable(header, body);
}

/** The goals, one row per workload × goal: the median of the per-round ratios against its limit. */
export function goalsTable(goals) {
  return markdownTable(
    ["workload", "goal", "ratio, median of rounds (min–max)", "rounds", "on CPU time", "verdict"],
    goals.map((g) => [
      `(${g.workload.id}) ${g.workload.name}`,
      `${g.label} ÷ ${g.reference} ≤ ${g.goal.limit}`,
      ratioRange(g.ratio),
      g.ratio ? String(g.ratio.rounds) : "0",
      ratioRange(g.cpuRatio),
      g.met === undefined ? "not decided" : g.met ? "**met**" : "**not met**",
    ]),
  );
}

/** Nanoseconds with no decimals (a record costs µs; a signature's share of it, tens of ns). */
const nanos = (value) => (Number.isFinite(value) ? value.toFixed(0) : "–");
const nanoRange = (stat) => `${nanos(stat.median)} (${nanos(stat.min)}–${nanos(stat.max)})`;

/** What signing the audit chains costs per record (src/signing-cost.mjs). */
export function signingSection(signing) {
  const lines = ["## Signing the audit chains: cost per record", ""];
  if (signing === undefined) return [...lines, "Not run (`--no-signing`).", ""];
  if (signing.error) return [...lines, `Failed: ${signing.error}`, ""];
  lines.push(
    "`@langchain-otel/node`'s `IntegrityLogRecordProcessor` stamping audit records (a run's end record, 12 attributes, " +
      "on a resource of 11 attributes) into a downstream that keeps nothing, without and with the `AuditCheckpointer` " +
      `(a fresh Ed25519 key, a checkpoint every ${signing.checkpointRecords} records, as the distro's default); each mode ` +
      `in a fresh Node, ${signing.rounds} rounds alternating the order, ${signing.records} timed records each (median of 10 ` +
      "batches); the overhead is paired per round. ns per record, median (min–max) over rounds:",
    "",
    markdownTable(
      ["hash chain only", "hash chain + signed checkpoints", "signing overhead per record", "signed ÷ hashed", "one signature (µs)", "its share per record"],
      [
        [
          nanoRange(signing.hashedNanos),
          nanoRange(signing.signedNanos),
          `**${nanoRange(signing.overheadNanos)}**`,
          `${signing.overheadRatio.toFixed(3)}×`,
          `${signing.signMicros.median.toFixed(1)} (${signing.signMicros.min.toFixed(1)}–${signing.signMicros.max.toFixed(1)})`,
          `${nanos(signing.amortisedNanos)} ns`,
        ],
      ],
    ),
    "",
    `One signature per ${signing.checkpointRecords} records (${signing.checkpoints} checkpoints in the timed window): the signing cost is amortised, ` +
      "a record pays its share of one Ed25519 signature plus the bookkeeping. The paired overhead is within the noise of the " +
      "per-record cost itself when it is that small; the hash chain (canonical JSON and SHA-256 of every record) is what a record costs.",
  );
  if (signing.warning) lines.push("", `Note: ${signing.warning}.`);
  return [...lines, ""];
}

function throughputSection(tp) {
  const lines = ["## End-to-end export throughput", ""];
  if (tp === undefined) return [...lines, "Not run (`--no-throughput`).", ""];
  if (tp.skipped) return [...lines, `Skipped: ${tp.skipped}.`, ""];
  if (tp.error) return [...lines, `Failed: ${tp.error}`, ""];
  lines.push(
    `Workload (a) under ours (${tp.policy}), \`OTLPTraceExporter\` (OTLP/HTTP JSON, @opentelemetry/exporter-trace-otlp-http) behind a ` +
      "default `BatchSpanProcessor` (queue 2048, batch 512), into the project's OpenTelemetry Collector (`otelcol-langchain`, " +
      "only the collector component: its Jaeger and SIEM exporters queue to disk because those are not running). " +
      `The app loop yields to the event loop between invokes, as a server does between requests. ${tp.windowSeconds.toFixed(1)} s window after 500 warm-up invokes.`,
    "",
    markdownTable(
      ["invokes/s", "spans produced/s", "spans acknowledged by the Collector/s", "dropped (queue full)", "failed exports", "Collector accepted (incl. warm-up)", "peak RSS MB"],
      [
        [
          (tp.invokes / tp.windowSeconds).toFixed(0),
          tp.producedPerSecond.toFixed(0),
          `**${tp.spansPerSecond.toFixed(0)}**`,
          `${tp.droppedSpans} of ${tp.producedSpans}`,
          String(tp.failedSpans),
          tp.collectorAcceptedSpans === undefined ? "–" : `${tp.collectorAcceptedSpans} (warm-up acknowledged: ${tp.warmupAcknowledgedSpans})`,
          tp.peakRssMb.toFixed(0),
        ],
      ],
    ),
    "",
    `Collector: \`${tp.commands[0]}\`, then \`${tp.commands[2]}\` (temporary state directory, removed afterwards).`,
    "",
  );
  return lines;
}

/** Issue 8's costs: the write-ahead journal per item, the exit hooks at run time, the exit drain when the process ends. */
function durabilitySection(run) {
  const skipped = run.skipped ?? {};
  return [
    "## Ending the process: the exit drain and the journal",
    "",
    ...journalSection(run.journal, { skipped: skipped.journal, batching: run.journalBatching }),
    ...exitDrainSection(run.exitDrain, exitHooksLines(run.exitHooks, { skipped: skipped.exitDrain }), { skipped: skipped.exitDrain }),
  ];
}

/** Entries of at least 0.05 % of the total (the rest would print as 0.0 %). */
function significant(entries, total) {
  return entries.filter((e) => e.micros >= total * 0.0005);
}

function profileSection(profile, topN) {
  const lines = [`### (${profile.workload.id}) ${profile.workload.name}, ${profile.mode.label}`, ""];
  if (profile.error) return [...lines, `Profiling failed: ${profile.error}`, ""];
  const s = profile.summary;
  const perInvoke = profile.result.microsPerInvoke;
  const usPer = (m) => micros((m / s.totalMicros) * perInvoke);
  lines.push(
    `\`${profile.command}\`. Only the samples inside the timed window are counted ` +
      `(${(s.totalMicros / 1000).toFixed(0)} ms, ${profile.result.invokes} invokes at ${micros(perInvoke)} µs/invoke in this process; ` +
      "the profiler itself slows the process down, so read shares, not absolute times; µs/invoke = share × that figure).",
    "",
    `Self time by owner: ${significant(s.owners, s.totalMicros).map((o) => `${o.name} ${percent(o.micros, s.totalMicros)}`).join(", ")}.`,
    "",
    "Charged to whoever asked for the work (OpenTelemetry and runtime frames charged to the nearest LangChain or langchain-otel " +
      `frame above them; GC has no stack): ${significant(s.charged, s.totalMicros).map((o) => `${o.name} ${percent(o.micros, s.totalMicros)} (${usPer(o.micros)} µs/invoke)`).join(", ")}.`,
    "",
    `Top ${topN} functions by self time:`,
    "",
    markdownTable(
      ["#", "function (file:line in dist)", "owner", "self", "µs/invoke", "runtime work asked for by"],
      s.self.slice(0, topN).map((f, i) => [
        String(i + 1),
        f.name,
        f.owner,
        percent(f.micros, s.totalMicros),
        usPer(f.micros),
        RUNTIME_OWNERS.has(f.owner)
          ? f.callers
              .slice(0, 3)
              .map((c) => `${c.name} ${percent(c.micros, s.totalMicros)}`)
              .join("; ")
          : "",
      ]),
    ),
    "",
    "Functions of ours, with the SDK, context and runtime work each one calls (top 10):",
    "",
    markdownTable(
      ["function of ours", "share", "µs/invoke"],
      s.oursCharged.slice(0, 10).map((f) => [f.name, percent(f.micros, s.totalMicros), usPer(f.micros)]),
    ),
    "",
  );
  return lines;
}

/** How noisy the run was: the spread of the uninstrumented baseline between rounds, per workload. */
function noiseLines(rows, run) {
  const spreads = rows
    .filter((r) => r.mode.id === "none" && r.micros !== undefined)
    .map((r) => `(${r.workload.id}) ±${((50 * (r.micros.max - r.micros.min)) / r.micros.median).toFixed(0)} %`);
  return [
    `Noise: the uninstrumented baseline's µs/invoke moved between rounds by ${spreads.join(", ")} (half the min–max range over the ` +
      `median); the 1-minute load average was ${run.loadDuring.min.toFixed(1)}–${run.loadDuring.max.toFixed(1)} on ${run.machine.cores} cores ` +
      "(the bench keeps about one busy). Ratios within a round cancel most of that; a single process's figure does not.",
    "",
  ];
}

const SCALE_HEADING = "## End to end through agents, Kafka and gateways (scale profile)";

/**
 * The scale profile's end-to-end throughput, as `e2e/scale.test.ts` measured it (bench/scale-e2e.json: the test
 * writes it when LANGCHAIN_OTEL_SCALE_MEASUREMENT_OUT names the file; `pnpm bench` only renders it).
 */
export function scaleSection(scale) {
  const lines = [SCALE_HEADING, ""];
  if (scale === undefined) return [...lines, "No measurement recorded (bench/scale-e2e.json).", ""];
  const m = scale.measurement;
  const faults = m.faults.map((f) => `${f.what} after ${f.atRuns} runs (back after ${f.backAfterSeconds} s)`).join("; ");
  lines.push(
    `From \`${scale.command}\` on ${scale.date} (load average ${scale.loadStart.join(" / ")} at start): ${m.apps} app processes ` +
      `(ESM and CommonJS, half on each of the two agents) × ${m.runsPerApp} runs, each run 2 spans and 4 audit records, through ` +
      `two agent collectors → Kafka (KRaft, one broker) → two gateway collectors → audit files, Jaeger and the SIEM, while the ` +
      `test injected: ${faults}. Times from the apps' start; a sink counts as complete when it holds every span or record once.`,
    "",
    markdownTable(
      ["apps done", "audit files complete", "SIEM complete", "Jaeger complete", "audit records/s into the files", "spans/s into the files", "records/s into the SIEM", "repeats in the files (spans / records)"],
      [
        [
          `${m.appsDoneSeconds} s`,
          `${m.filesCompleteSeconds} s`,
          `${m.siemCompleteSeconds} s`,
          `${m.jaegerCompleteSeconds} s`,
          `**${m.recordsPerSecondToFiles}**`,
          String(m.spansPerSecondToFiles),
          String(m.recordsPerSecondToSiem),
          `${m.repeats.spans} / ${m.repeats.startRecords + m.repeats.endRecords}`,
        ],
      ],
    ),
    "",
    `${m.records} audit records and ${m.spans} spans in all; the rate is what reached the gateways' files divided by the time ` +
      "from the apps' start, faults included, on the 2-core machine shared with the apps, the test and every other component.",
    "",
  );
  return lines;
}

/**
 * BENCHMARKS.md with its scale section replaced by one rendered from `scale` (`pnpm bench --scale-only`): the
 * scale test records its measurement separately, so the other sections need not be measured again to show it.
 * Without a scale section yet, it goes where a full run puts it: before "Where the time goes", else at the end.
 */
export function spliceScaleSection(markdown, scale) {
  const section = scaleSection(scale);
  const lines = markdown.split("\n");
  let start = lines.indexOf(SCALE_HEADING);
  let end;
  if (start === -1) {
    start = lines.indexOf("## Where the time goes");
    if (start === -1) return `${markdown.replace(/\n+$/, "")}\n\n${section.join("\n")}\n`;
    end = start;
  } else {
    end = lines.findIndex((line, i) => i > start && line.startsWith("## "));
    if (end === -1) return `${[...lines.slice(0, start), ...section].join("\n")}\n`;
  }
  return [...lines.slice(0, start), ...section, ...lines.slice(end)].join("\n");
}

/** The whole BENCHMARKS.md. */
export function benchmarksMarkdown(run) {
  const { machine, rows, goals, workloads, modes, throughput, profiles } = run;
  const load = (l) => l.join(" / ");
  const notes = [];
  for (const row of rows) {
    if (row.mode.kind !== "baseline" && row.spansPerInvoke === 0) {
      notes.push(`${row.mode.label} exports no span for (${row.workload.id}) ${row.workload.name}: it does not trace that run type.`);
    }
    if (row.errors) notes.push(`${row.mode.label} on (${row.workload.id}): ${row.errors.length} of ${row.attempted} rounds failed: ${row.errors[0]}`);
  }
  const sink = rows.filter((r) => r.sinkRequests !== undefined).reduce((a, r) => a + r.sinkRequests, 0);
  if (rows.some((r) => r.sinkRequests !== undefined)) notes.push(`Langfuse's local 127.0.0.1 sink received ${sink} requests over all its runs.`);
  if (run.build.warning) notes.push(run.build.warning);

  return [
    "# Benchmarks",
    "",
    "Generated by `pnpm bench` (bench/): do not edit by hand; rerun it.",
    "",
    `- Date: ${run.date}`,
    `- Command: \`${run.command}\` (${run.quick ? "quick, CI-sized" : "full"}: ${run.rounds} rounds; total ${run.elapsedSeconds.toFixed(0)} s)`,
    `- Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB memory, Node ${machine.node}, ${machine.platform}`,
    `- Load average (1 / 5 / 15 min): ${load(run.loadStart)} at start, ${load(run.loadEnd)} at the end; the 1-minute figure ranged ` +
      `${run.loadDuring.min.toFixed(2)}–${run.loadDuring.max.toFixed(2)} during the run (the benchmark itself keeps about one core busy; ` +
      "anything above ~1 is other work sharing the machine)",
    `- langchain-otel measured: ${run.build.describe}`,
    "",
    "## Method",
    "",
    "- Each mode × workload × round runs in its own fresh Node process (`node --expose-gc`): set up the mode, build the workload, " +
      "warm up, GC, then time N invokes in batches; a process's figure is the median batch's µs per invoke. LangChain's background " +
      "callbacks are awaited at the end of every batch, so deferred handler work is inside the timing.",
    "- A round runs every mode on every workload, each in a fresh process; the order of modes alternates across rounds (forward, " +
      "then reversed) and the workloads rotate. Everything is paired by round: overhead = mode − none of the same round; " +
      "÷ floor = that overhead ÷ the floor's overhead in the same round; ÷ fastest peer = that overhead ÷ the fastest peer's overhead " +
      "in the same round. Tables show the median of the per-round figures with min–max over rounds. The fastest peer of a workload is " +
      "the peer with the lowest median overhead among the peers that export at least one span per invoke there.",
    "- Every OpenTelemetry-based mode: one global `TracerProvider` (@opentelemetry/sdk-trace 3.x), the AsyncLocalStorage context " +
      "manager, a `BatchSpanProcessor` with default settings into an exporter that counts and discards (spans/invoke = what that exporter " +
      "received). No LoggerProvider is registered, so our audit records go to the API's no-op logger. LangChain's AsyncLocalStorage is " +
      "initialised in every mode, as the distro does; LangSmith tracing is off.",
    "- Except the distro's modes (ours (distro …)): `start()` of @langchain-otel/node as an app runs it, its own NodeSDK, audit " +
      "records on, spans and records written to the embedded audit files in a temporary directory (spans/invoke counted by a span " +
      "processor passed to `start()`). Writing files on every invoke makes them slow, so they time an eighth of each workload's " +
      "invokes (a quarter in `--quick`; warm-up by count likewise, by time the same) and run in the first 3 rounds only, paired with " +
      "the other modes of those rounds.",
    "- Peak RSS is the process's maximum resident set (`process.resourceUsage().maxRSS`), start-up included.",
    "",
    "## Modes",
    "",
    ...modes.map((m) => `- **${m.label}**: ${m.describe ? m.describe() : "no instrumentation"}`),
    "",
    "## Workloads",
    "",
    ...workloads.map(
      (w) =>
        `- (${w.id}) ${w.name}: ${w.title}; warm-up of at least ${run.sizes[w.id].warmup} invokes and ${run.warmupMillis} ms, ` +
        `then ${run.sizes[w.id].iterations} timed invokes per process`,
    ),
    "",
    "## Results",
    "",
    resultsTable(rows),
    "",
    "### Goals",
    "",
    "Issue 13: with the default policy (`redacted`, audit records on) our overhead at most 0.7× the fastest peer's on every " +
      "workload; with `full` at most 1.3× the floor's; with `none` at most 1.15× the floor's. Each ratio is computed within a round " +
      "(both processes of the ratio ran in the same round, next to each other in the alternating order); the median over rounds is the " +
      "verdict, min–max the spread. The same ratio on the processes' CPU time is a cross-check less disturbed by other work on the machine.",
    "",
    goalsTable(goals),
    "",
    ...noiseLines(rows, run),
    ...(notes.length ? ["Notes:", "", ...notes.map((n) => `- ${n}`), ""] : []),
    ...contractSection(run.contract, rows, { skipped: run.skipped?.contract }),
    ...throughputSection(throughput),
    ...signingSection(run.signing),
    ...durabilitySection(run),
    ...scaleSection(run.scale),
    "## Where the time goes",
    "",
    ...(profiles === undefined ? ["Not run (`--no-profile`).", ""] : profiles.flatMap((p) => profileSection(p, 15))),
    ...redactionSection(run.redaction ?? {}),
  ].join("\n");
}
