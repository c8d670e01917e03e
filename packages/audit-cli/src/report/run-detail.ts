// SPDX-License-Identifier: Apache-2.0
import type { PlainValue } from "../trail/values.js";
import { bytes, clip, duration, integer, prettyPayload, timeOfDay, timestamp, usd } from "./format.js";
import { html, type Html } from "./html.js";
import type { PayloadView, RunView, TraceView } from "./model.js";
import { runTypeClass, runTypeLabel, statusPill } from "./run-style.js";

/** Characters of one payload shown; the trail holds payloads within the distro's budget (8 KiB by default). */
const PAYLOAD_CHARS = 20_000;
/** `langchain.run.start` is shown as `start`. */
const RUN_EVENT_PREFIX = /^langchain\.run\./;
/** Characters of one attribute value shown. */
const VALUE_CHARS = 2_000;

function clipped(text: string, max: number): Html {
  const { text: shown, more } = clip(text, max);
  return html`${shown}${more > 0 ? html`<span class="clipped">… ${integer(more)} more characters</span>` : ""}`;
}

function valueCell(value: PlainValue): Html {
  if (typeof value === "string") return html`<td class="v-string">${clipped(value, VALUE_CHARS)}</td>`;
  return html`<td class="v-${typeof value}">${String(value)}</td>`;
}

function attributeTable(entries: ReadonlyArray<readonly [string, PlainValue]>, label: string): Html {
  return html`<table class="attributes" aria-label="${label}"><tbody>${entries.map(([key, value]) => html`<tr><th scope="row">${key}</th>${valueCell(value)}</tr>`)}</tbody></table>`;
}

function payload(p: PayloadView): Html {
  const meta = [
    p.sizeBytes === undefined ? "" : bytes(p.sizeBytes),
    p.truncated ? "truncated to the payload budget" : "",
    p.sha256 === undefined ? "" : `sha256 ${p.sha256.slice(0, 16)}…`,
  ].filter((s) => s !== "");
  return html`<div class="payload" data-key="${p.key}">
<div class="payload-head"><code>${p.key}</code>${meta.length > 0 ? html`<span class="payload-meta">${meta.join(" · ")}</span>` : ""}</div>
${p.value === undefined ? html`<p class="muted">Not recorded (content policy <code>none</code>): size and hash only.</p>` : html`<pre>${clipped(prettyPayload(p.value), PAYLOAD_CHARS)}</pre>`}
</div>`;
}

function offset(trace: TraceView, nanos: bigint): string {
  return nanos === 0n || trace.startNanos === 0n ? "" : ` (+${duration(trace.startNanos, nanos)})`;
}

/** The panel shown when a run is clicked, as a `<template>` the page's script clones into the side panel. */
export function runDetail(run: RunView, trace: TraceView): Html {
  const redacted = run.redactions.reduce((n, [, count]) => n + count, 0);
  const facts: Array<[string, Html | string]> = [
    ["Run ID", run.runId === undefined ? "–" : html`<code>${run.runId}</code>`],
    ["Span", html`<code>${run.spanId}</code>${run.kind === undefined ? "" : ` · ${run.kind}`}${run.parentSpanId === "" ? "" : html` · parent <code>${run.parentSpanId}</code>`}`],
    ["Started", `${timestamp(run.startNanos)}${offset(trace, run.startNanos)}`],
    ["Duration", run.status === "open" ? "never ended" : duration(run.startNanos, run.endNanos)],
  ];
  if (run.model !== undefined) facts.push(["Model", run.model]);
  if (run.inputTokens !== undefined || run.outputTokens !== undefined) {
    facts.push(["Tokens", `${integer(run.inputTokens ?? 0)} in → ${integer(run.outputTokens ?? 0)} out`]);
  }
  if (run.cost !== undefined) facts.push(["Cost", usd(run.cost)]);
  if (!run.fromSpan) facts.push(["Source", "audit records only: no span was exported for this run"]);

  return html`<template id="run-${run.key}"><div class="detail-body" data-run-key="${run.key}">
<header class="detail-head">
<span class="type ${runTypeClass(run)}">${runTypeLabel(run)}</span>
<h2>${run.name}</h2>
${statusPill(run)}
${run.statusMessage === undefined ? "" : html`<p class="status-message">${clipped(run.statusMessage, VALUE_CHARS)}</p>`}
</header>
<dl class="facts">${facts.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
<section class="d-payloads"><h3>Payloads <small>as the trail holds them, after the content policy</small></h3>
${run.payloads.length === 0 ? html`<p class="muted">No payloads in this run.</p>` : run.payloads.map(payload)}
</section>
<section class="d-redactions"><h3>Redactions <small>${redacted === 0 ? "none" : `${integer(redacted)} value${redacted === 1 ? "" : "s"} replaced before export`}</small></h3>
${run.redactions.length === 0 ? "" : html`<ul class="redactions">${run.redactions.map(([kind, n]) => html`<li data-kind="${kind}"><span>${kind}</span><b>${integer(n)}</b></li>`)}</ul>`}
</section>
${
  run.events.length === 0
    ? ""
    : html`<section class="d-events"><h3>Events</h3><ol class="events">${run.events.map(
        (e) => html`<li><div class="event-head"><code>${e.name}</code><span class="muted">${offset(trace, e.timeNanos)}</span></div>${e.attributes.length === 0 ? "" : attributeTable(e.attributes, `Attributes of event ${e.name}`)}</li>`,
      )}</ol></section>`
}
<section class="d-records"><h3>Audit records</h3>
${
  run.records.length === 0
    ? html`<p class="muted">No audit records for this run in these files.</p>`
    : html`<table class="records"><thead><tr><th>record</th><th>seq</th><th>file:line</th><th>time</th></tr></thead><tbody>${run.records.map(
        (r) => html`<tr><td><code title="${r.event}">${r.event.replace(RUN_EVENT_PREFIX, "")}</code></td><td>${r.seq ?? "–"}</td><td class="where"><code>${r.file}:${r.line}</code></td><td>${timeOfDay(r.timeNanos)}</td></tr>`,
      )}</tbody></table>`
}
</section>
<section class="d-attributes"><h3>Attributes <small>${integer(run.attributes.length)}</small></h3>${attributeTable(run.attributes, "Attributes")}</section>
${run.resource.length === 0 ? "" : html`<details class="d-resource"><summary>Process (resource attributes)</summary>${attributeTable(run.resource, "Resource attributes")}</details>`}
</div></template>`;
}
