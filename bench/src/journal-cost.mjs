// SPDX-License-Identifier: Apache-2.0
// What the write-ahead journal and the exit hooks cost at run time, from the main loop's runs (paired per round):
// ours (distro, journal sync) against ours (distro) and ours (redacted), and ours (distro) against ours (distro, no
// exit hooks).
import { markdownTable, range } from "./format.mjs";
import { runChild } from "./runner.mjs";
import { max, median, min } from "./stats.mjs";

const stat = (values) => (values.length ? { median: median(values), min: min(values), max: max(values), rounds: values.length } : undefined);
const ratio = (value) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : "–");
const ratioRange = (s) => (s === undefined ? "–" : `${ratio(s.median)} (${ratio(s.min)}–${ratio(s.max)})`);
const microRange = (s) => (s === undefined ? "–" : range(s));

/** Per round, the result of `modeId` on `workload` (only rounds that measured something). */
function byRound(runs, workload, modeId) {
  return new Map(runs.filter((r) => r.workload === workload && r.mode === modeId && r.result.microsPerInvoke !== undefined).map((r) => [r.round, r.result]));
}

/** For every round both maps hold: f(a, b, round). */
function paired(a, b, f) {
  const values = [];
  for (const [round, x] of a) if (b.has(round)) values.push(f(x, b.get(round), round));
  return values.filter(Number.isFinite);
}

/**
 * Per workload: the journal's overhead ratio to ours (redacted) and to ours (distro) (each overhead is the mode −
 * none of the same round; median of the per-round ratios, min–max), the extra µs per invoke over ours (distro) on
 * wall and CPU time, the spans and records journaled per invoke (counted in the journal by the child) and the µs
 * per journaled item. Undefined when ours-journal did not run.
 */
export function journalCost(runs, workloads) {
  const rows = [];
  for (const workload of workloads) {
    const none = byRound(runs, workload.id, "none");
    const redacted = byRound(runs, workload.id, "ours-redacted");
    const distro = byRound(runs, workload.id, "ours-distro");
    const journal = byRound(runs, workload.id, "ours-journal");
    if (journal.size === 0) continue;
    const overhead = (mode) => new Map([...mode].filter(([round]) => none.has(round)).map(([round, r]) => [round, r.microsPerInvoke - none.get(round).microsPerInvoke]));
    const journalOverhead = overhead(journal);
    const perInvoke = [...journal.values()].map((r) => ({
      spans: r.notes.journal.spans / r.invokes,
      records: r.notes.journal.records / r.invokes,
      lines: r.notes.journal.recordLines / r.invokes,
      bytes: r.notes.journal.bytes / r.invokes,
      writes: r.notes.journal.writes === undefined ? undefined : r.notes.journal.writes / r.invokes,
    }));
    const writes = perInvoke.map((p) => p.writes).filter((w) => w !== undefined);
    const items = new Map([...journal].map(([round, r]) => [round, (r.notes.journal.spans + r.notes.journal.records) / r.invokes]));
    const extra = paired(journal, distro, (j, d) => j.microsPerInvoke - d.microsPerInvoke);
    const extraCpu = paired(journal, distro, (j, d) => j.cpuMicrosPerInvoke - d.cpuMicrosPerInvoke);
    rows.push({
      workload,
      toRedacted: stat(paired(journalOverhead, overhead(redacted), (j, r) => (r > 0 ? j / r : NaN))),
      toDistro: stat(paired(journalOverhead, overhead(distro), (j, d) => (d > 0 ? j / d : NaN))),
      extraMicros: stat(extra),
      extraCpuMicros: stat(extraCpu),
      spansPerInvoke: median(perInvoke.map((p) => p.spans)),
      recordsPerInvoke: median(perInvoke.map((p) => p.records)),
      linesPerInvoke: median(perInvoke.map((p) => p.lines)),
      bytesPerInvoke: median(perInvoke.map((p) => p.bytes)),
      writesPerInvoke: writes.length ? median(writes) : undefined,
      microsPerItem: stat(paired(journal, distro, (j, d, round) => (j.microsPerInvoke - d.microsPerInvoke) / items.get(round))),
      cpuMicrosPerItem: stat(paired(journal, distro, (j, d, round) => (j.cpuMicrosPerInvoke - d.cpuMicrosPerInvoke) / items.get(round))),
    });
  }
  return rows.length ? rows : undefined;
}

/**
 * The exit hooks at run time, on the one workload ours (distro, no exit hooks) ran: ours (distro)'s overhead ÷ the
 * overhead without the hooks (median of per-round ratios, min–max) and the difference in µs per invoke.
 */
export function exitHooksCost(runs, workloads) {
  for (const workload of workloads) {
    const none = byRound(runs, workload.id, "none");
    const hooked = byRound(runs, workload.id, "ours-distro");
    const bare = byRound(runs, workload.id, "ours-distro-no-exit-hooks");
    if (bare.size === 0) continue;
    const overhead = (r, round) => (none.has(round) ? r.microsPerInvoke - none.get(round).microsPerInvoke : NaN);
    return {
      workload,
      ratio: stat(paired(hooked, bare, (h, b, round) => overhead(h, round) / overhead(b, round))),
      cpuRatio: stat(
        paired(hooked, bare, (h, b, round) =>
          none.has(round) ? (h.cpuMicrosPerInvoke - none.get(round).cpuMicrosPerInvoke) / (b.cpuMicrosPerInvoke - none.get(round).cpuMicrosPerInvoke) : NaN,
        ),
      ),
      differenceMicros: stat(paired(hooked, bare, (h, b) => h.microsPerInvoke - b.microsPerInvoke)),
    };
  }
  return undefined;
}

/** Items per microtask in the batching measurement: one alone, an invoke of (a)'s spans, a few dozen, a full batch. */
export const JOURNAL_GROUPS = [1, 6, 64, 512];

/**
 * The journal alone (`journal-batching-child.mjs`): µs per item when `group` items share a microtask (one write()),
 * on 3,072 real spans of workload (a); returns { items, byGroup } or { error }.
 */
export function measureJournalBatching({ quick }) {
  return runChild("journal-batching-child.mjs", { groups: JOURNAL_GROUPS, items: 3072, repetitions: quick ? 4 : 8 }, { nodeFlags: ["--expose-gc"] });
}

/** The journal's table (BENCHMARKS.md). */
export function journalSection(journal, { skipped, batching }) {
  const lines = ["### The write-ahead journal (`LANGCHAIN_OTEL_JOURNAL=sync`): cost per journaled item", ""];
  if (skipped) return [...lines, "Not run (`--no-journal`).", ""];
  if (journal === undefined) return [...lines, "Not measured: ours (distro, journal sync) did not run (see the results table).", ""];
  lines.push(
    "ours (distro, journal sync) next to ours (distro) (the same `start()`, journal off) and ours (redacted) in every round. The ratios are " +
      "overheads (mode − none of the same round) divided within a round, median of the rounds (min–max). The extra cost is journal − " +
      "distro of the same round, in µs per invoke; the spans and records journaled per invoke are counted by the child in the journal's " +
      "bytes written during its timed window (it fails if the journal did not grow); µs per journaled item = extra µs per invoke ÷ items " +
      "journaled per invoke, per round.",
    "",
    markdownTable(
      [
        "workload",
        "journal ÷ ours (redacted)",
        "journal ÷ ours (distro)",
        "extra µs/invoke over distro (wall)",
        "extra on CPU",
        "journaled per invoke: spans + records",
        "journal KB / invoke",
        "items per line / per write()",
        "µs per journaled item (wall)",
        "on CPU",
      ],
      journal.map((row) => [
        `(${row.workload.id}) ${row.workload.name}`,
        ratioRange(row.toRedacted),
        ratioRange(row.toDistro),
        microRange(row.extraMicros),
        microRange(row.extraCpuMicros),
        `${fixed(row.spansPerInvoke)} + ${fixed(row.recordsPerInvoke)}`,
        (row.bytesPerInvoke / 1024).toFixed(1),
        `${((row.spansPerInvoke + row.recordsPerInvoke) / row.linesPerInvoke).toFixed(2)} / ${
          row.writesPerInvoke === undefined ? "–" : ((row.spansPerInvoke + row.recordsPerInvoke) / row.writesPerInvoke).toFixed(2)
        }`,
        `**${microRange(row.microsPerItem)}**`,
        microRange(row.cpuMicrosPerItem),
      ]),
    ),
    "",
    "How it writes: the journal collects what is appended and writes it with one `write()` per microtask (a line per span or record " +
      "holding the exporter's own encoding of it, the resource and each scope once per journal, and the marks of batches written), not " +
      "one per record. Items per line and per `write()` are counted in the child (the `write()` calls on the journal's descriptor " +
      "through a wrapped `fs.writeSync`; the marks' writes included): under LangChain each callback runs in a microtask of its own, so " +
      "a write holds what one callback ended (a span and its end record). The export queues build their requests from the texts the " +
      "journal encoded, so an item is encoded once with the journal on, as with it off: the journal's extra is the write and its bookkeeping.",
    "",
  );
  if (batching?.error) lines.push(`The journal alone (by items per write): failed: ${batching.error}`, "");
  else if (batching !== undefined) {
    lines.push(
      `The journal alone, by items per write: the distro's \`Journal\` (packages/node's build) appending ${batching.items} real spans of ` +
        "workload (a), a group at a time, yielding to the microtask queue after each group (one `write()` per group), the group sizes " +
        "alternating over repetitions (median):",
      "",
      markdownTable(
        ["items per write()", ...batching.byGroup.map((g) => String(g.group))],
        [
          ["µs per item", ...batching.byGroup.map((g) => g.microsPerItem.toFixed(1))],
          ["bytes per item", ...batching.byGroup.map((g) => g.bytesPerItem.toFixed(0))],
        ],
      ),
      "",
      "Alone, an item's cost includes its encoding, which inside the app (above) the export queue then reuses; the ratio between " +
        "the columns is what batching per write would save.",
      "",
    );
  }
  return lines;
}

const fixed = (value) => (Number.isInteger(value) ? String(value) : value.toFixed(2));

/** The exit hooks' run-time line (BENCHMARKS.md). */
export function exitHooksLines(hooks, { skipped }) {
  if (skipped) return [];
  if (hooks === undefined) return ["Exit hooks at run time: not measured (ours (distro, no exit hooks) did not run).", ""];
  return [
    `At run time, on (${hooks.workload.id}) ${hooks.workload.name}: ours (distro) ÷ ours (distro, no exit hooks), overheads paired per round: ` +
      `**${ratioRange(hooks.ratio)}** (on CPU ${ratioRange(hooks.cpuRatio)}); the difference ${microRange(hooks.differenceMicros)} µs per invoke. ` +
      "`start()` installs six process listeners (exit, uncaughtExceptionMonitor, beforeExit, SIGTERM, SIGINT, SIGHUP) once; a run adds " +
      "nothing to them (the open runs the exit path ends are the tracker's, kept with or without the hooks). The bench removes exactly " +
      "those six listeners after `start()` for the variant without them.",
    "",
  ];
}
