import { markdownTable, micros, percent, range } from "./format.mjs";

const RUNTIME_OWNERS = new Set(["Node.js", "V8 builtins"]);

function spans(value) {
  if (value === undefined) return "–";
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** The results table: one row per workload × mode. */
export function resultsTable(rows) {
  const header = [
    "workload",
    "mode",
    "µs/invoke, median (min–max)",
    "overhead vs none, µs",
    "ours (full) ÷ this peer's overhead",
    "spans/invoke",
    "peak RSS MB",
  ];
  let previous;
  const body = rows.map((row) => {
    const first = row.workload !== previous;
    previous = row.workload;
    const workloadCell = first ? `(${row.workload.id}) ${row.workload.title}` : "";
    if (row.missing) return [workloadCell, row.mode.label, row.missing, "", "", "", ""];
    const overhead = row.mode.id === "none" ? "baseline" : row.overhead ? range(row.overhead) : "–";
    const ratio = row.mode.kind === "peer" ? (row.oursFullRatio !== undefined ? `${row.oursFullRatio.toFixed(2)}×` : "–") : "";
    return [workloadCell, row.mode.label, range(row.micros), overhead, ratio, spans(row.spansPerInvoke), row.peakRssMb.toFixed(0)];
  });
  return markdownTable(header, body);
}

/** One sentence on the goal, plain. */
export function goalSentence(goal, workload) {
  if (!goal.decided) {
    return `Goal for (${workload.id}) — ours (full) overhead at most half of the fastest peer's: not decided (no numbers for ours or for any peer).`;
  }
  const verdict = goal.met ? "MET" : "NOT MET";
  const missing = goal.missingPeers.length ? ` (peers without numbers, left out: ${goal.missingPeers.join(", ")})` : "";
  return (
    `Goal for (${workload.id}) — ours (full) overhead at most ${goal.fraction * 100} % of the fastest peer's: **${verdict}**. ` +
    `Ours (full) adds ${micros(goal.ours)} µs per invoke; the fastest peer, ${goal.fastest}, adds ${micros(goal.fastestOverhead)} µs, ` +
    `so the target is ≤ ${micros(goal.target)} µs and ours is ${goal.ratio.toFixed(2)}× the fastest peer's overhead${missing}.` +
    (goal.cpu
      ? ` Cross-check on the processes' CPU time: ours ${micros(goal.cpu.ours)} µs vs ${goal.cpu.fastest} ${micros(goal.cpu.fastestOverhead)} µs (${goal.cpu.ratio.toFixed(2)}×).`
      : "")
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

/** Entries of at least 0.05 % of the total (the rest would print as 0.0 %). */
function significant(entries, total) {
  return entries.filter((e) => e.micros >= total * 0.0005);
}

function profileSection(profile, topN) {
  const lines = ["## Where the time goes", ""];
  if (profile === undefined) return [...lines, "Not run (`--no-profile`).", ""];
  if (profile.error) return [...lines, `Profiling failed: ${profile.error}`, ""];
  const s = profile.summary;
  const perInvoke = profile.result.microsPerInvoke;
  const usPer = (m) => micros((m / s.totalMicros) * perInvoke);
  lines.push(
    `\`${profile.command}\` — workload (a), ours (full). Only the samples inside the timed window are counted ` +
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

/** The whole BENCHMARKS.md. */
export function benchmarksMarkdown(run) {
  const { machine, rows, goals, workloads, modes, throughput, profile } = run;
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
    "- The order of modes alternates across rounds (forward, then reversed) and the workloads rotate; the table shows the median " +
      "over rounds with min–max. Overhead is paired by round (mode − none of the same round), then the median is taken.",
    "- Every OpenTelemetry-based mode: one global `TracerProvider` (@opentelemetry/sdk-trace 3.x), the AsyncLocalStorage context " +
      "manager, a `BatchSpanProcessor` with default settings into an exporter that counts and discards (spans/invoke = what that exporter " +
      "received). No LoggerProvider is registered, so our audit records go to the API's no-op logger. LangChain's AsyncLocalStorage is " +
      "initialised in every mode, as the distro does; LangSmith tracing is off.",
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
    ...goals.map(({ goal, workload }) => goalSentence(goal, workload)),
    "",
    ...(notes.length ? ["Notes:", "", ...notes.map((n) => `- ${n}`), ""] : []),
    ...throughputSection(throughput),
    ...signingSection(run.signing),
    ...profileSection(profile, 15),
  ].join("\n");
}
