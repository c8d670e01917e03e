// SPDX-License-Identifier: Apache-2.0
import { FINDING_KINDS, type Finding, type FindingCode } from "../verify/findings.js";
import { MAX_MALFORMED_LISTED, type VerifiedChain, type VerifyReport } from "../verify/verify-trail.js";
import { count, seqRange } from "./text.js";

/** Findings of one kind listed under a chain; the rest are counted. */
const LISTED_PER_KIND = 10;

/** Findings printed apart from the chains (malformed lines, unmatched starts) or as a chain's gap line. */
const LISTED_ELSEWHERE = new Set<FindingCode>(["malformed", "unmatched-start", "gap", "empty-trail"]);

function label(code: FindingCode): string {
  if (code === "hash-mismatch") return "hash mismatch";
  if (code === "unverified") return "not verified";
  return code.replaceAll("-", " ");
}

function findingLine(f: Finding): string {
  const where = f.file === null ? "" : `${f.file}:${f.line}${f.seq === null ? "" : ` (seq ${f.seq})`}: `;
  return `    ${label(f.code)}: ${where}${f.message}`;
}

function sameChain(f: Finding, c: VerifiedChain): boolean {
  return f.instance === c.instance && f.chain === c.chain && f.signal === c.signal;
}

function chainLines(c: VerifiedChain, findings: readonly Finding[]): string[] {
  const parts = [count(c.records, "record") + (c.firstSeq === null ? "" : ` (seq ${seqRange(c.firstSeq, c.lastSeq!)})`)];
  parts.push(count(c.duplicates, "duplicate"));
  if (c.unstamped > 0) parts.push(`${c.unstamped} without audit fields`);
  if (c.checkpoints > 0) {
    const by = c.keyIds.length === 0 ? "" : ` by ${c.keyIds.join(", ")}`;
    parts.push(`${c.signedThrough === null || c.signedThrough === 0 ? "not signed" : `signed through seq ${c.signedThrough}${by}`} (${count(c.checkpoints, "checkpoint")})`);
    if (c.sealed) parts.push("sealed");
  }
  const lines = [`  ${c.signal}: ${parts.join(", ")}: ${c.ok ? "ok" : "FAILED"}`];
  for (const gap of c.gaps) {
    const recorded = findings.some((f) => f.code === "recorded-loss" && sameChain(f, c) && f.seq !== null && f.seq <= gap.to && f.seq + f.count - 1 >= gap.from);
    lines.push(`    gap: seq ${seqRange(gap.from, gap.to)} missing (${count(gap.to - gap.from + 1, "record")})${recorded ? "; recorded lost by the process" : ""}`);
  }
  const mine = findings.filter((f) => sameChain(f, c) && !LISTED_ELSEWHERE.has(f.code));
  const shown = new Map<FindingCode, number>();
  const totals = new Map<FindingCode, number>();
  for (const f of mine) totals.set(f.code, (totals.get(f.code) ?? 0) + 1);
  for (const f of mine) {
    const n = shown.get(f.code) ?? 0;
    if (n < LISTED_PER_KIND) lines.push(findingLine(f));
    shown.set(f.code, n + 1);
  }
  // Counted past what is listed: the chain's own counters know every mismatch and every record not verified.
  const more = (code: FindingCode, total: number) => {
    const listed = Math.min(shown.get(code) ?? 0, LISTED_PER_KIND);
    if (total > listed) lines.push(`    and ${total - listed} more: ${FINDING_KINDS[code][total - listed === 1 ? 0 : 1]}`);
  };
  more("hash-mismatch", c.hashMismatches);
  more("unverified", c.unverified);
  for (const [code, total] of totals) if (code !== "hash-mismatch" && code !== "unverified") more(code, total);
  return lines;
}

/** The verdict's last line: what was verified, or what was found. */
function verdict(r: VerifyReport): string {
  if (r.ok) {
    const records = r.chains.reduce((n, c) => n + c.records, 0);
    const signed = r.integrity.signed ? `; every record signed (${r.integrity.keyIds.join(", ")}) and every chain sealed` : "";
    const anchored = r.integrity.anchors.length > 0 ? `, ${count(r.integrity.anchorCheckpoints, "checkpoint")} matched in the anchor` : "";
    return `OK: ${count(records, "record")} verified in ${count(r.chains.length, "chain")}${signed}${anchored}`;
  }
  const found: string[] = [];
  for (const [code, [singular, plural]] of Object.entries(FINDING_KINDS) as Array<[FindingCode, readonly [string, string]]>) {
    // Malformed input is counted by line, as listed.
    const n = code === "malformed" ? r.malformedLines : code === "gap" ? r.problems.gaps : (r.findingCounts[code] ?? 0);
    if (n > 0) found.push(count(n, singular, plural));
  }
  return `FAILED: ${found.join(", ")}`;
}

/** The report for people: one block per instance and chain, one line per chain, findings under it, a verdict last. */
export function humanReport(r: VerifyReport): string[] {
  const lines = [`read ${count(r.files, "file")}, ${count(r.lines, "line")}, ${count(r.bytes, "byte")}`];
  let block: string | undefined;
  for (const c of r.chains) {
    const name = `${c.instance === "" ? "(no service.instance.id)" : c.instance}${c.chain === "" ? "" : ` chain ${c.chain}`}`;
    if (name !== block) {
      block = name;
      lines.push(`instance ${name}`);
    }
    lines.push(...chainLines(c, r.findings));
  }
  if (r.malformedLines > 0) {
    lines.push(`malformed: ${count(r.malformedLines, "line")}`);
    for (const m of r.malformed) lines.push(`  ${m.file}:${m.line}: ${m.reason}`);
    if (r.malformed.length === MAX_MALFORMED_LISTED) lines.push(`  (first ${MAX_MALFORMED_LISTED} listed)`);
  }
  const unplaced = r.findings.filter((f) => f.instance === null && !LISTED_ELSEWHERE.has(f.code));
  for (const f of unplaced) lines.push(findingLine(f).slice(2));
  if (r.unmatchedStarts.length > 0) {
    lines.push(`unmatched run starts: ${r.unmatchedStarts.length}`);
    for (const s of r.unmatchedStarts) {
      const what = [s.runType, s.runName === null ? null : JSON.stringify(s.runName)].filter((x) => x !== null).join(" ");
      lines.push(`  run ${s.runId}${what === "" ? "" : ` (${what})`} started at ${s.file}:${s.line}, no end or error record`);
    }
  }
  for (const t of r.tornLastLines) lines.push(`warning: ${t.file}:${t.line}: ${t.reason} (its writer was stopped mid-write); skipped`);
  if (r.endsWithoutStart > 0) lines.push(`note: ${count(r.endsWithoutStart, "end or error record")} without a start record in these files`);
  if (r.findingsTotal > r.findings.length) lines.push(`note: ${r.findingsTotal - r.findings.length} more findings not listed (--max-findings)`);
  if (r.instances.length > 1) {
    const failed = r.instances.filter((i) => !i.ok).length;
    lines.push(`instances: ${r.instances.length}, ${r.instances.length - failed} ok${failed > 0 ? `, ${failed} FAILED` : ""}`);
    for (const i of r.instances) {
      const sealed = r.integrity.signed ? `, ${i.sealedChains}/${i.chains} sealed` : "";
      lines.push(`  ${i.instance === "" ? "(no service.instance.id)" : i.instance}: ${count(i.chains, "chain")}, ${count(i.records, "record")}${sealed}: ${i.ok ? "ok" : `FAILED (${count(i.findings, "finding")})`}`);
    }
  }
  if (r.findings.some((f) => f.code === "empty-trail")) lines.push("empty: no records in the files given");
  lines.push(verdict(r));
  if (r.integrity.note !== null) lines.push(`note: ${r.integrity.note}`);
  return lines;
}
