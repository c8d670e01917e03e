// SPDX-License-Identifier: Apache-2.0
import { humanReport } from "../format/verify-text.js";
import { FINDING_KINDS } from "../verify/findings.js";
import type { VerifyReport } from "../verify/verify-trail.js";
import { plural } from "./format.js";
import { html, type Html } from "./html.js";

/** Findings the banner lists from the chains' own fields. */
const LISTED_ABOVE = new Set<string>(["gap", "hash-mismatch", "unverified", "unmatched-start", "malformed"]);

/** Problems listed in the banner itself; the rest are in the full report under it. */
const LISTED = 12;

function problemLines(v: VerifyReport): string[] {
  const lines: string[] = [];
  for (const c of v.chains) {
    const chain = `${c.signal} of ${c.instance === "" ? "(no service.instance.id)" : c.instance}`;
    for (const gap of c.gaps) {
      lines.push(`gap in ${chain}: seq ${gap.from === gap.to ? gap.from : `${gap.from}..${gap.to}`} missing (${plural(gap.to - gap.from + 1, "record")})`);
    }
    for (const m of c.mismatches) lines.push(`hash mismatch in ${chain}: ${m.file}:${m.line}${m.seq === null ? "" : ` (seq ${m.seq})`}: ${m.reason}`);
    for (const u of c.unverifiedRecords) lines.push(`not verified in ${chain}: ${u.file}:${u.line}${u.seq === null ? "" : ` (seq ${u.seq})`}: ${u.reason}`);
  }
  for (const s of v.unmatchedStarts) {
    const what = [s.runType, s.runName === null ? null : JSON.stringify(s.runName)].filter((x) => x !== null).join(" ");
    lines.push(`run ${s.runId}${what === "" ? "" : ` (${what})`} started at ${s.file}:${s.line} and never ended`);
  }
  for (const m of v.malformed) lines.push(`malformed: ${m.file}:${m.line}: ${m.reason}`);
  // Every other finding (signatures, seals, unstamped records, anchors), as verify lists it.
  for (const f of v.findings) {
    if (LISTED_ABOVE.has(f.code)) continue;
    lines.push(`${FINDING_KINDS[f.code][0]}${f.signal === null ? "" : ` in ${f.signal} of ${f.instance === "" ? "(no service.instance.id)" : f.instance}`}: ${f.file === null ? "" : `${f.file}:${f.line}: `}${f.message}`);
  }
  return lines;
}

function summary(v: VerifyReport): string {
  const records = v.chains.reduce((n, c) => n + c.records, 0);
  const instances = new Set(v.chains.map((c) => c.instance)).size;
  if (v.ok) {
    const parts = [`${plural(records, "record")} in ${plural(v.chains.length, "chain")} of ${plural(instances, "process", "processes")}`];
    parts.push("audit.seq complete from 1, every audit.hash checks, every run that started ended");
    const repeats = v.chains.reduce((n, c) => n + c.duplicates, 0);
    if (repeats > 0) parts.push(`${plural(repeats, "repeated delivery", "repeated deliveries")} counted once`);
    return parts.join("; ") + ".";
  }
  const p = v.problems;
  return (
    [
      p.gaps > 0 ? plural(p.gaps, "gap") : "",
      p.hashMismatches > 0 ? plural(p.hashMismatches, "hash mismatch", "hash mismatches") : "",
      p.unverified > 0 ? plural(p.unverified, "record not verified", "records not verified") : "",
      p.malformedLines > 0 ? plural(p.malformedLines, "malformed line") : "",
      p.unmatchedStarts > 0 ? plural(p.unmatchedStarts, "run that never ended", "runs that never ended") : "",
      ...Object.entries(v.findingCounts)
        .filter(([code]) => !LISTED_ABOVE.has(code))
        .map(([code, n]) => plural(n!, FINDING_KINDS[code as keyof typeof FINDING_KINDS][0], FINDING_KINDS[code as keyof typeof FINDING_KINDS][1])),
    ]
      .filter((s) => s !== "")
      .join(", ") + ` in ${plural(records, "record")} of ${plural(v.chains.length, "chain")}.`
  );
}

/** Whether the trail is signed, as far as this page can tell. */
function signing(v: VerifyReport, checkpoints: number): Html {
  const unstamped = v.chains.reduce((n, c) => n + c.unstamped, 0);
  const stamped = unstamped > 0 ? html`<p class="signing unstamped">${plural(unstamped, "record")} carry no audit.seq / audit.hash and are not covered by any chain.</p>` : html``;
  if (checkpoints === 0) {
    return html`${stamped}<p class="signing unsigned" data-signed="no"><b>Not signed.</b> The hash chain shows edits, gaps and reordering, but whoever can rewrite the files can rewrite the chain: no signed checkpoints in this trail.</p>`;
  }
  return html`${stamped}<p class="signing unchecked" data-signed="unchecked"><b>${plural(checkpoints, "signed checkpoint")} in the trail, not checked here:</b> run <code>langchain-otel-audit verify --public-key FILE</code>.</p>`;
}

/** The verdict of `verify` over every file of the trail, at the top of the page. */
export function verifyBanner(v: VerifyReport, checkpoints: number): Html {
  if (v.files === 0) {
    return html`<section id="verify" class="banner empty" data-verdict="empty" aria-label="Verification"><div class="banner-mark" aria-hidden="true">…</div><div class="banner-body"><h2>No audit files yet</h2><p class="banner-summary">Nothing to verify: the page reloads when files appear.</p></div></section>`;
  }
  const problems = problemLines(v);
  const listed = problems.slice(0, LISTED);
  return html`<section id="verify" class="banner ${v.ok ? "ok" : "failed"}" data-verdict="${v.ok ? "ok" : "failed"}" aria-label="Verification">
<div class="banner-mark" aria-hidden="true">${v.ok ? "✓" : "✗"}</div>
<div class="banner-body">
<h2>${v.ok ? "Trail verified" : "Verification failed"}</h2>
<p class="banner-summary">${summary(v)}</p>
${listed.length > 0 ? html`<ul class="problems">${listed.map((line) => html`<li>${line}</li>`)}</ul>` : ""}
${problems.length > LISTED ? html`<p class="more">and ${plural(problems.length - LISTED, "more problem")} in the full report below.</p>` : ""}
${signing(v, checkpoints)}
<details class="verify-report"><summary>Full <code>verify</code> report</summary><pre>${humanReport(v).join("\n")}</pre></details>
</div>
</section>`;
}
