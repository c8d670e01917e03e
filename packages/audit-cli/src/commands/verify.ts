import { expandPaths } from "../trail/paths.js";
import { progressFor } from "../trail/progress.js";
import { LineWriter, type CommandIo } from "../output.js";
import { UsageError, parseCommandArgs, positiveInteger } from "../usage.js";
import type { ChainReport, RecordProblem } from "../verify/chain-verifier.js";
import { MAX_MALFORMED_LISTED, verifyTrail, type VerifyReport } from "../verify/verify-trail.js";
import { count, seqRange } from "../format/text.js";

export const VERIFY_HELP = `Usage: langchain-otel-audit verify [options] <file|dir>...

Verifies a langchain-otel audit trail: the OTLP/JSON lines files the OpenTelemetry Collector's file exporter
(or the embedded file exporter) wrote. For each chain (service.instance.id and signal) it checks every
record's audit.hash, that audit.seq runs from 1 without gaps, and that every langchain.run.start record has a
langchain.run.end or langchain.run.error record. Repeats of a record (same audit.seq, same audit.hash) are
at-least-once deliveries: counted once. Records may be in any order across lines and files.

A directory stands for its *.jsonl files (traces*.jsonl, logs*.jsonl and rotated backups), read in name order;
each file's signal is read from its content. Files are streamed: memory does not grow with their size.

Options:
  --json            print the report as JSON
  --progress        report bytes read on stderr every second (default: when stderr is a terminal)
  --window <n>      hashes kept per chain to check late and repeated records (default 131072, 40 bytes each)
  -h, --help        show this help

Exit status: 0 when clean; 1 on any problem (gap, hash mismatch, malformed line, unmatched run start,
record that could not be verified); 2 on a usage error.
`;

export async function verifyCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseCommandArgs(args, {
    json: { type: "boolean" },
    progress: { type: "boolean" },
    window: { type: "string" },
  });
  if (parsed.help) {
    io.stdout.write(VERIFY_HELP);
    return 0;
  }
  if (parsed.positionals.length === 0) throw new UsageError("verify needs at least one file or directory");
  const windowRecords = positiveInteger(parsed.values["window"], "window", 131_072);
  const files = await expandPaths(parsed.positionals);
  const report = await verifyTrail(files, { windowRecords, progress: progressFor(files, parsed.values["progress"] === true, io.stderr) });

  const out = new LineWriter(io.stdout);
  if (parsed.values["json"] === true) await out.line(JSON.stringify(report, null, 2));
  else for (const line of humanReport(report)) await out.line(line);
  await out.flush();
  return report.ok ? 0 : 1;
}

function problemLine(kind: string, p: RecordProblem): string {
  return `    ${kind}: ${p.file}:${p.line}${p.seq === null ? "" : ` (seq ${p.seq})`}: ${p.reason}`;
}

function chainLines(c: ChainReport): string[] {
  const parts = [count(c.records, "record") + (c.firstSeq === null ? "" : ` (seq ${seqRange(c.firstSeq, c.lastSeq!)})`)];
  parts.push(count(c.duplicates, "duplicate"));
  if (c.unstamped > 0) parts.push(`${c.unstamped} without audit fields`);
  const failed = c.gaps.length > 0 || c.hashMismatches > 0 || c.unverified > 0;
  const lines = [`  ${c.signal}: ${parts.join(", ")}: ${failed ? "FAILED" : "ok"}`];
  for (const gap of c.gaps) lines.push(`    gap: seq ${seqRange(gap.from, gap.to)} missing (${count(gap.to - gap.from + 1, "record")})`);
  for (const m of c.mismatches) lines.push(problemLine("hash mismatch", m));
  if (c.hashMismatches > c.mismatches.length) lines.push(`    and ${count(c.hashMismatches - c.mismatches.length, "more hash mismatch", "more hash mismatches")}`);
  for (const u of c.unverifiedRecords) lines.push(problemLine("not verified", u));
  if (c.unverified > c.unverifiedRecords.length) lines.push(`    and ${c.unverified - c.unverifiedRecords.length} more not verified`);
  return lines;
}

/** The report for people: one block per instance, one line per chain, problems under it, a verdict last. */
export function humanReport(r: VerifyReport): string[] {
  const lines = [`read ${count(r.files, "file")}, ${count(r.lines, "line")}, ${count(r.bytes, "byte")}`];
  let instance: string | undefined;
  for (const c of r.chains) {
    if (c.instance !== instance) {
      instance = c.instance;
      lines.push(`instance ${c.instance === "" ? "(no service.instance.id)" : c.instance}`);
    }
    lines.push(...chainLines(c));
  }
  if (r.malformedLines > 0) {
    lines.push(`malformed: ${count(r.malformedLines, "line")}`);
    for (const m of r.malformed) lines.push(`  ${m.file}:${m.line}: ${m.reason}`);
    if (r.malformed.length === MAX_MALFORMED_LISTED) lines.push("  (first 1000 listed)");
  }
  if (r.unmatchedStarts.length > 0) {
    lines.push(`unmatched run starts: ${r.unmatchedStarts.length}`);
    for (const s of r.unmatchedStarts) {
      const what = [s.runType, s.runName === null ? null : JSON.stringify(s.runName)].filter((x) => x !== null).join(" ");
      lines.push(`  run ${s.runId}${what === "" ? "" : ` (${what})`} started at ${s.file}:${s.line}, no end or error record`);
    }
  }
  if (r.endsWithoutStart > 0) lines.push(`note: ${count(r.endsWithoutStart, "end or error record")} without a start record in these files`);
  if (r.ok) {
    lines.push(`OK: ${count(r.chains.reduce((n, c) => n + c.records, 0), "record")} verified in ${count(r.chains.length, "chain")}`);
  } else {
    const p = r.problems;
    const found = [
      p.gaps > 0 ? count(p.gaps, "gap") : "",
      p.hashMismatches > 0 ? count(p.hashMismatches, "hash mismatch", "hash mismatches") : "",
      p.unverified > 0 ? count(p.unverified, "record not verified", "records not verified") : "",
      p.malformedLines > 0 ? count(p.malformedLines, "malformed line") : "",
      p.unmatchedStarts > 0 ? count(p.unmatchedStarts, "unmatched run start") : "",
    ].filter((s) => s !== "");
    lines.push(`FAILED: ${found.join(", ")}`);
  }
  return lines;
}
