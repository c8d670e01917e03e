// SPDX-License-Identifier: Apache-2.0
import { randomBytes } from "node:crypto";
import { bytes, integer, plural, timestamp, usd } from "./format.js";
import { html, trusted, type Html } from "./html.js";
import type { LossView, SessionView, TrailView } from "./model.js";
import { PAGE_SCRIPT } from "./page-script.js";
import { PAGE_STYLE } from "./page-style.js";
import { runDetail } from "./run-detail.js";
import { verifyBanner } from "./verify-banner.js";
import { traceArticle } from "./waterfall.js";

/** How the page is served. */
export interface PageOptions {
  /**
   * Served by `serve`: the page asks the server for the trail's fingerprint every 2 s and reloads when it
   * changes. Absent for a file written by `report --html`, which then makes no request at all.
   */
  readonly live?: { readonly fingerprint: string } | undefined;
}

/**
 * The page allows nothing from outside: no request but (when served) to its own origin, scripts and style
 * elements only with this page's nonce. Inline `style` attributes (bar positions) are allowed; they cannot run code.
 */
function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

function sessionItem(s: SessionView): Html {
  const who = [s.user === undefined ? "" : `user ${s.user}`, s.tenant === undefined ? "" : `tenant ${s.tenant}`].filter((x) => x !== "");
  return html`<button type="button" class="session-item${s.errorCount > 0 ? " has-errors" : ""}" data-session="${s.id ?? ""}" aria-pressed="false">
<span class="session-id">${s.id ?? "(no session)"}</span>
${who.length > 0 ? html`<span class="session-who">${who.join(" · ")}</span>` : ""}
<span class="session-when">${timestamp(s.firstNanos)}</span>
<span class="session-stats">${plural(s.traceIds.length, "trace")} · ${plural(s.runCount, "run")}${s.errorCount > 0 ? html` · <b class="err">${plural(s.errorCount, "error")}</b>` : ""}${s.inputTokens + s.outputTokens > 0 ? ` · ${integer(s.inputTokens)} → ${integer(s.outputTokens)} tok` : ""}${s.cost === undefined ? "" : ` · ${usd(s.cost)}`}</span>
</button>`;
}

function lossRow(loss: LossView): Html {
  return html`<li class="loss" role="row"><span class="loss-mark" aria-hidden="true">⚠</span><div><p><b>${timestamp(loss.timeNanos)}</b> · process <code>${loss.instance || "(no service.instance.id)"}</code> · <code>${loss.file}:${loss.line}</code></p>
${loss.body === undefined ? "" : html`<p>${loss.body}</p>`}
${loss.attributes.length === 0 ? "" : html`<p class="loss-attrs">${loss.attributes.map(([k, v]) => html`<code>${k}=${String(v)}</code> `)}</p>`}</div></li>`;
}

function losses(view: TrailView): Html {
  if (view.lossCount === 0) return html``;
  return html`<section id="losses" class="losses" aria-label="Loss records"><h2>⚠ ${plural(view.lossCount, "loss record")}: the process that wrote this trail says it could not record everything</h2>
<ul>${view.losses.map(lossRow)}</ul>${view.lossCount > view.losses.length ? html`<p>and ${integer(view.lossCount - view.losses.length)} more.</p>` : ""}</section>`;
}

function stat(label: string, value: string, extra = ""): Html {
  return html`<div class="stat ${extra}"><dt>${label}</dt><dd>${value}</dd></div>`;
}

function totals(view: TrailView): Html {
  const s = view.sessions;
  const runs = s.reduce((n, x) => n + x.runCount, 0);
  const errors = s.reduce((n, x) => n + x.errorCount, 0);
  const input = s.reduce((n, x) => n + x.inputTokens, 0);
  const output = s.reduce((n, x) => n + x.outputTokens, 0);
  const costs = s.map((x) => x.cost).filter((c): c is number => c !== undefined);
  return html`<dl class="stats">
${stat("Sessions", integer(s.filter((x) => x.id !== undefined).length))}
${stat("Traces", integer(s.reduce((n, x) => n + x.traceIds.length, 0)))}
${stat("Runs", integer(runs))}
${stat("Errors", integer(errors), errors > 0 ? "bad" : "")}
${stat("Tokens in → out", `${integer(input)} → ${integer(output)}`)}
${costs.length > 0 ? stat("Cost", usd(costs.reduce((a, b) => a + b, 0))) : ""}
</dl>`;
}

function selectionNote(view: TrailView): Html {
  const notes: Html[] = [];
  if (view.selection !== undefined) notes.push(html`<p class="notice">Showing ${view.selection.kind} <code>${view.selection.id}</code> only; the verdict above covers every file.</p>`);
  if (view.omitted.traces > 0) {
    notes.push(
      html`<p class="notice">${plural(view.omitted.traces, "older trace")} (${plural(view.omitted.runs, "run")}) not shown: the page holds the newest traces up to its run limit. Use <code>--session</code>, <code>--trace</code> or <code>--max-runs</code>.</p>`,
    );
  }
  return html`${notes}`;
}

/** The whole report: one self-contained HTML document (style and script inline, nothing loaded from anywhere). */
export function renderPage(view: TrailView, options: PageOptions = {}): string {
  const nonce = randomBytes(16).toString("base64");
  const verdict = view.verify.ok ? "verified" : "VERIFICATION FAILED";
  const title = `Audit trail · ${view.paths.join(", ")} · ${verdict}`;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(nonce)}">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="langchain-otel-audit report">
<title>${title}</title>
<style nonce="${nonce}">${trusted(PAGE_STYLE)}</style>
</head>
<body data-live="${options.live === undefined ? "0" : "1"}" data-fingerprint="${options.live?.fingerprint ?? ""}">
<header class="page-head">
<div class="brand"><h1>Audit trail</h1>
<p class="source"><code>${view.paths.join(" ")}</code> · ${plural(view.files, "file")} · ${bytes(view.bytes)} · built ${timestamp(BigInt(Date.parse(view.generatedAt)) * 1_000_000n)}${options.live === undefined ? "" : html` · <span class="live" title="reloads when the files change">● live</span>`}</p></div>
${totals(view)}
</header>
${verifyBanner(view.verify, view.checkpoints)}
${losses(view)}
${selectionNote(view)}
<div class="layout">
<nav class="sessions" aria-label="Sessions">
<h2>Sessions</h2>
<button type="button" class="session-item all" data-session="*" aria-pressed="true"><span class="session-id">All traces</span><span class="session-stats">${plural(view.traces.length, "trace")} in this page</span></button>
${view.sessions.map(sessionItem)}
</nav>
<main class="traces" aria-label="Traces">
${view.traces.length === 0 ? html`<p class="empty">No runs in ${view.paths.join(", ")} yet.</p>` : view.traces.map(traceArticle)}
<p class="empty no-match" hidden>No trace of this session is in the page.</p>
</main>
<aside class="detail" aria-label="Selected run" aria-live="polite"><div class="detail-empty"><p>Click a run to see its attributes, payloads, redactions and audit records.</p><p class="muted">↑ ↓ move between runs.</p></div></aside>
</div>
<div id="run-details" hidden>${view.traces.map((t) => t.runs.map((r) => runDetail(r, t)))}</div>
<script nonce="${nonce}">${trusted(PAGE_SCRIPT)}</script>
</body>
</html>
`;
  return page.text;
}
