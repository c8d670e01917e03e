// SPDX-License-Identifier: Apache-2.0
import { axisMillis, duration, durationMillis, integer, plural, timestamp, usd } from "./format.js";
import { html, type Html } from "./html.js";
import type { RunView, TraceView } from "./model.js";
import { runTypeClass, runTypeLabel, statusPill } from "./run-style.js";

/** Narrowest bar drawn, in percent of the trace, so a 0.1 ms run is still visible and clickable. */
const MIN_BAR_PERCENT = 0.6;
/** Labelled ticks; the bar column also draws a line every quarter. */
const AXIS_TICKS = [0, 0.5, 1];

function percent(n: number): string {
  return `${Math.min(100, Math.max(0, n)).toFixed(3)}%`;
}

function tokens(run: RunView): string {
  if (run.inputTokens === undefined && run.outputTokens === undefined) return "";
  return `${integer(run.inputTokens ?? 0)} → ${integer(run.outputTokens ?? 0)}`;
}

/** Where a run's bar sits in its trace: an open run reaches the end, striped. */
function bar(run: RunView, trace: TraceView): Html {
  const span = Number(trace.endNanos - trace.startNanos);
  const start = run.startNanos === 0n ? 0 : Number(run.startNanos - trace.startNanos);
  const end = run.status === "open" || run.endNanos === 0n ? span : Number(run.endNanos - trace.startNanos);
  const left = span > 0 ? (start / span) * 100 : 0;
  const width = Math.max(MIN_BAR_PERCENT, span > 0 ? ((end - start) / span) * 100 : 100);
  const label = `starts at +${durationMillis(start / 1e6)}, ${run.status === "open" ? "never ended" : duration(run.startNanos, run.endNanos)}`;
  return html`<span class="bar ${runTypeClass(run)}" style="left:${percent(Math.min(left, 100 - MIN_BAR_PERCENT))};width:${percent(width)}" title="${label}"></span>`;
}

function row(run: RunView, trace: TraceView, withCost: boolean): Html {
  return html`<div class="run s-${run.status}" role="row" tabindex="0" aria-selected="false" data-run-key="${run.key}" data-span-id="${run.spanId}" data-parent-span-id="${run.parentSpanId}" data-depth="${run.depth}" data-status="${run.status}">
<span class="run-name" role="cell" style="--depth:${Math.min(run.depth, 40)}"><span class="type ${runTypeClass(run)}">${runTypeLabel(run)}</span><span class="name-text" title="${run.name}">${run.name}</span>${run.model === undefined || run.name.includes(run.model) ? "" : html`<span class="model">${run.model}</span>`}${run.redactions.length > 0 ? html`<span class="redacted-mark" title="values redacted before export">${integer(run.redactions.reduce((n, [, c]) => n + c, 0))} redacted</span>` : ""}</span>
<span class="run-status" role="cell">${statusPill(run, { short: true })}</span>
<span class="run-dur" role="cell">${run.status === "open" ? "–" : duration(run.startNanos, run.endNanos)}</span>
<span class="run-tokens" role="cell">${tokens(run)}</span>
${withCost ? html`<span class="run-cost" role="cell">${run.cost === undefined ? "" : usd(run.cost)}</span>` : ""}
<span class="run-bar" role="cell">${bar(run, trace)}</span>
</div>`;
}

function axis(trace: TraceView): Html {
  const total = Number(trace.endNanos - trace.startNanos) / 1e6;
  return html`<span class="wf-axis" role="columnheader" aria-label="timeline">${AXIS_TICKS.map((t) => html`<span class="tick" style="left:${percent(t * 100)}">${axisMillis(total * t)}</span>`)}</span>`;
}

/** The title of a trace: its first root's name. */
function traceTitle(trace: TraceView): string {
  return trace.runs.find((r) => r.depth === 0)?.name ?? "(no runs)";
}

/** One trace: a header with its totals, then one waterfall row per run, as a tree. */
export function traceArticle(trace: TraceView): Html {
  const withCost = trace.runs.some((r) => r.cost !== undefined);
  const who = [
    trace.session === undefined ? "" : `session ${trace.session}`,
    trace.user === undefined ? "" : `user ${trace.user}`,
    trace.tenant === undefined ? "" : `tenant ${trace.tenant}`,
    trace.service === undefined ? "" : `service ${trace.service}`,
  ].filter((s) => s !== "");
  const stats = [
    timestamp(trace.startNanos),
    duration(trace.startNanos, trace.endNanos),
    plural(trace.runCount, "run"),
    trace.inputTokens + trace.outputTokens > 0 ? `${integer(trace.inputTokens)} → ${integer(trace.outputTokens)} tokens` : "",
    trace.cost === undefined ? "" : usd(trace.cost),
  ].filter((s) => s !== "");
  const missing = trace.truncated ? Math.max(0, trace.runCount - trace.runs.length) : 0;
  return html`<article class="trace${trace.errorCount > 0 ? " has-errors" : ""}" id="trace-${trace.traceId}" data-trace-id="${trace.traceId}" data-session="${trace.session ?? ""}">
<header class="trace-head">
<h3><span class="trace-title">${traceTitle(trace)}</span>${trace.errorCount > 0 ? html`<span class="pill error">${plural(trace.errorCount, "error")}</span>` : ""}</h3>
<p class="trace-meta"><code class="trace-id" title="trace ID">${trace.traceId}</code>${who.length > 0 ? html` · ${who.join(" · ")}` : ""}</p>
<p class="trace-stats">${stats.join(" · ")}</p>
</header>
<div class="waterfall${withCost ? " with-cost" : ""}" role="table" aria-label="Runs of trace ${trace.traceId}">
<div class="wf-head" role="row"><span role="columnheader">Run</span><span role="columnheader">Status</span><span role="columnheader">Duration</span><span role="columnheader">Tokens</span>${withCost ? html`<span role="columnheader">Cost</span>` : ""}${axis(trace)}</div>
${trace.runs.map((r) => row(r, trace, withCost))}
</div>
${missing > 0 ? html`<p class="notice">${plural(missing, "more run")} of this trace not shown (over the page's run limit: <code>--max-runs</code>).</p>` : ""}
</article>`;
}
