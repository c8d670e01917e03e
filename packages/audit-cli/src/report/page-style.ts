// SPDX-License-Identifier: Apache-2.0
/** The page's style sheet: system fonts, no images, light and dark schemes, printable. */
export const PAGE_STYLE = String.raw`
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --panel: #ffffff; --ink: #1c2330; --muted: #667085; --line: #e3e6eb; --hover: #f1f4f9;
  --ok: #12805c; --ok-bg: #e8f6ef; --bad: #c4231b; --bad-bg: #fdeceb; --warn: #b25e09; --warn-bg: #fff4e5;
  --sel: #2f6fed; --sel-bg: #eaf1ff;
  --t-chain: #64748b; --t-model: #7c3aed; --t-tool: #d97706; --t-retriever: #0d9488; --t-agent: #4f46e5;
  --t-graph: #2563eb; --t-prompt: #94a3b8; --t-other: #9ca3af;
  --mono: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, Consolas, monospace;
  --row: 30px;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #0f1318; --panel: #171c23; --ink: #e6e9ee; --muted: #98a2b3; --line: #2a313b; --hover: #1e252e;
    --ok-bg: #0f2a20; --bad-bg: #341412; --warn-bg: #33230f; --sel-bg: #16284a; --ok: #3ccf91; --bad: #ff6b61; --warn: #f0a54a; }
}
* { box-sizing: border-box; }
html, body { margin: 0; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: var(--bg); }
code, pre { font-family: var(--mono); font-size: 12.5px; }
h1, h2, h3 { margin: 0; line-height: 1.25; }
.muted { color: var(--muted); }
[hidden] { display: none !important; }

.page-head { display: flex; flex-wrap: wrap; align-items: flex-end; justify-content: space-between; gap: 16px 32px; padding: 18px 24px 14px; background: var(--panel); border-bottom: 1px solid var(--line); }
.brand h1 { font-size: 20px; letter-spacing: -0.01em; }
.source { margin: 4px 0 0; color: var(--muted); font-size: 13px; }
.live { color: var(--ok); font-weight: 600; }
.live.lost { color: var(--warn); }
.stats { display: flex; gap: 10px; margin: 0; flex-wrap: wrap; }
.stat { min-width: 86px; padding: 6px 12px; border: 1px solid var(--line); border-radius: 8px; background: var(--bg); }
.stat dt { font-size: 11px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
.stat dd { margin: 0; font-size: 17px; font-weight: 650; font-variant-numeric: tabular-nums; }
.stat.bad dd { color: var(--bad); }

.banner { display: flex; gap: 16px; margin: 16px 24px 0; padding: 14px 18px; border-radius: 10px; border: 1px solid; }
.banner.ok { background: var(--ok-bg); border-color: color-mix(in srgb, var(--ok) 35%, transparent); }
.banner.failed { background: var(--bad-bg); border-color: color-mix(in srgb, var(--bad) 45%, transparent); }
.banner.empty { background: var(--panel); border-color: var(--line); }
.banner.empty .banner-mark { background: var(--t-other); }
.banner-mark { flex: none; width: 40px; height: 40px; border-radius: 50%; display: grid; place-items: center; font-size: 22px; font-weight: 700; color: #fff; }
.banner.ok .banner-mark { background: var(--ok); }
.banner.failed .banner-mark { background: var(--bad); }
.banner h2 { font-size: 17px; }
.banner.ok h2 { color: var(--ok); }
.banner.failed h2 { color: var(--bad); }
.banner-body { min-width: 0; flex: 1; }
.banner-body p { margin: 4px 0 0; }
.problems { margin: 8px 0 0; padding-left: 18px; font-family: var(--mono); font-size: 12.5px; }
.problems li { margin: 2px 0; overflow-wrap: anywhere; }
.signing { font-size: 13px; color: var(--muted); }
.signing b { color: var(--ink); }
.signing.unstamped { color: var(--warn); }
.verify-report { margin-top: 6px; font-size: 13px; }
.verify-report summary { cursor: pointer; color: var(--muted); }
.verify-report pre { margin: 6px 0 0; padding: 10px; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; overflow: auto; max-height: 320px; }

.losses { margin: 12px 24px 0; padding: 12px 16px; border-radius: 10px; background: var(--warn-bg); border: 2px solid var(--warn); }
.losses h2 { font-size: 15px; color: var(--warn); }
.losses ul { list-style: none; margin: 8px 0 0; padding: 0; }
.loss { display: flex; gap: 10px; padding: 6px 0; border-top: 1px solid color-mix(in srgb, var(--warn) 30%, transparent); }
.loss p { margin: 0; overflow-wrap: anywhere; }
.loss-mark { color: var(--warn); font-size: 18px; }
.notice { margin: 12px 24px 0; padding: 8px 12px; border-radius: 8px; background: var(--panel); border: 1px dashed var(--line); color: var(--muted); }
.trace .notice { margin: 8px 0 0; }

.layout { display: grid; grid-template-columns: 200px minmax(0, 1fr) minmax(300px, 25%); gap: 16px; padding: 16px 24px 32px; align-items: start; }
.sessions, .detail { position: sticky; top: 12px; max-height: calc(100vh - 24px); overflow: auto; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; }
.sessions h2 { font-size: 12px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); padding: 12px 14px 6px; }
.session-item { display: flex; flex-direction: column; gap: 1px; width: 100%; padding: 8px 14px; border: 0; border-left: 3px solid transparent; background: none; color: inherit; font: inherit; text-align: left; cursor: pointer; }
.session-item:hover { background: var(--hover); }
.session-item.selected { background: var(--sel-bg); border-left-color: var(--sel); }
.session-item.has-errors .session-id::after { content: " ●"; color: var(--bad); font-size: 10px; vertical-align: middle; }
.session-id { font-weight: 600; overflow-wrap: anywhere; }
.session-who, .session-when, .session-stats { font-size: 12px; color: var(--muted); }
.err { color: var(--bad); font-weight: 600; }

.traces { display: flex; flex-direction: column; gap: 16px; min-width: 0; }
.trace { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px 14px; }
.trace.has-errors { border-left: 4px solid var(--bad); }
.trace-head h3 { display: flex; gap: 10px; align-items: center; font-size: 15px; }
.trace-meta, .trace-stats { margin: 2px 0 0; font-size: 12.5px; color: var(--muted); overflow-wrap: anywhere; }
.trace-id { color: var(--muted); }
.empty { color: var(--muted); padding: 24px; text-align: center; background: var(--panel); border: 1px dashed var(--line); border-radius: 10px; }

.waterfall { margin-top: 10px; border-top: 1px solid var(--line); --cols: minmax(240px, 46%) 100px 64px 72px minmax(120px, 1fr); }
.waterfall.with-cost { --cols: minmax(240px, 42%) 100px 64px 72px 76px minmax(110px, 1fr); }
.wf-head, .run { display: grid; grid-template-columns: var(--cols); align-items: center; column-gap: 8px; }
.wf-head { height: 26px; font-size: 11px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); border-bottom: 1px solid var(--line); }
.wf-axis { position: relative; height: 100%; }
.wf-axis .tick { position: absolute; top: 6px; transform: translateX(-50%); text-transform: none; letter-spacing: 0; white-space: nowrap; font-variant-numeric: tabular-nums; }
.wf-axis .tick:first-child { transform: none; }
.wf-axis .tick:last-child { transform: translateX(-100%); }
.run { min-height: var(--row); border-bottom: 1px solid var(--line); cursor: pointer; font-variant-numeric: tabular-nums; }
.run:hover { background: var(--hover); }
.run:focus-visible { outline: 2px solid var(--sel); outline-offset: -2px; }
.run.selected { background: var(--sel-bg); box-shadow: inset 3px 0 0 var(--sel); }
.run.s-error { background: var(--bad-bg); }
.run.s-error .name-text { color: var(--bad); font-weight: 600; }
.run.s-error.selected { box-shadow: inset 3px 0 0 var(--bad); }
.run.s-open { background: var(--warn-bg); }
.run-name { position: relative; display: flex; align-items: center; gap: 6px; min-width: 0; padding-left: calc(var(--depth) * 14px + 4px); }
.run-name::before { content: ""; position: absolute; left: calc(var(--depth) * 14px - 9px); top: -1px; width: 7px; height: 16px; border-left: 1px solid var(--t-other); border-bottom: 1px solid var(--t-other); border-bottom-left-radius: 3px; opacity: 0.8; }
.run[data-depth="0"] .run-name::before { display: none; }
.name-text { flex: 0 1 auto; min-width: 48px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.model { flex: 0 2 auto; min-width: 0; overflow: hidden; text-overflow: ellipsis; font-size: 11px; color: var(--muted); white-space: nowrap; }
.redacted-mark { flex: none; padding: 0 5px; border-radius: 4px; font-size: 11px; white-space: nowrap; background: var(--warn-bg); color: var(--warn); }
.run-status { display: flex; align-items: center; min-width: 0; }
.run-dur, .run-tokens, .run-cost { text-align: right; font-size: 12.5px; white-space: nowrap; }
.run-tokens, .run-cost { color: var(--muted); }
.run-bar { position: relative; height: 100%; min-height: var(--row); background-image: linear-gradient(to right, var(--line) 1px, transparent 1px); background-size: 25% 100%; }
.bar { position: absolute; top: 8px; height: 14px; border-radius: 3px; background: var(--t-other); }
.run.s-error .bar { background: var(--bad) !important; }
.run.s-open .bar { background: repeating-linear-gradient(135deg, var(--warn) 0 6px, transparent 6px 10px) !important; border: 1px solid var(--warn); }
.type { flex: none; display: inline-block; min-width: 44px; padding: 0 6px; border-radius: 4px; font-size: 10.5px; line-height: 17px; font-weight: 600; text-align: center; color: #fff; background: var(--t-other); text-transform: lowercase; }
.t-chain { background: var(--t-chain); } .t-model { background: var(--t-model); } .t-tool { background: var(--t-tool); }
.t-retriever { background: var(--t-retriever); } .t-agent { background: var(--t-agent); } .t-graph { background: var(--t-graph); }
.t-prompt { background: var(--t-prompt); } .t-other { background: var(--t-other); }
.pill { display: inline-block; padding: 0 8px; border-radius: 999px; font-size: 11.5px; line-height: 19px; font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 100%; }
.pill.ok { color: var(--ok); background: var(--ok-bg); }
.pill.error { color: #fff; background: var(--bad); }
.pill.interrupted { color: var(--warn); background: var(--warn-bg); }
.pill.open { color: #fff; background: var(--warn); }

.detail { padding: 0; }
.detail-empty { padding: 28px 20px; text-align: center; color: var(--muted); }
.detail-body { padding: 14px 16px 18px; }
.detail-head { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; padding-bottom: 10px; border-bottom: 1px solid var(--line); }
.detail-head h2 { font-size: 16px; overflow-wrap: anywhere; }
.status-message { flex-basis: 100%; margin: 4px 0 0; color: var(--bad); font-family: var(--mono); font-size: 12.5px; overflow-wrap: anywhere; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 12px; margin: 10px 0 0; font-size: 13px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.detail section, .detail details { margin-top: 14px; }
.detail h3 { font-size: 12px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); margin-bottom: 6px; }
.detail h3 small { text-transform: none; letter-spacing: 0; font-weight: 400; margin-left: 4px; }
.payload { margin-bottom: 10px; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
.payload-head { display: flex; flex-wrap: wrap; gap: 8px; justify-content: space-between; padding: 5px 10px; background: var(--bg); border-bottom: 1px solid var(--line); font-size: 12px; }
.payload-meta { color: var(--muted); }
.payload pre, .payload p { margin: 0; padding: 8px 10px; max-height: 340px; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
.clipped { display: block; color: var(--warn); font-style: italic; }
.redactions { display: flex; flex-wrap: wrap; gap: 6px; margin: 0; padding: 0; list-style: none; }
.redactions li { display: flex; gap: 6px; padding: 2px 8px; border-radius: 999px; background: var(--warn-bg); color: var(--warn); font-size: 12.5px; }
.events { margin: 0; padding-left: 18px; }
.events table.attributes th, .events table.attributes td { display: block; width: auto; border-bottom: 0; padding: 2px 0; }
.events table.attributes tr { display: block; padding: 3px 0; border-bottom: 1px solid var(--line); }
.events table.attributes td { font-size: 11.5px; overflow-wrap: normal; word-break: break-all; }
.event-head { display: flex; gap: 8px; }
table.attributes, table.records { width: 100%; border-collapse: collapse; font-size: 12.5px; }
table.attributes th, table.attributes td, table.records th, table.records td { padding: 3px 6px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
table.records td, table.records th { white-space: nowrap; }
table.records td.where { white-space: normal; overflow-wrap: anywhere; }
table.attributes th { width: 42%; font-family: var(--mono); font-weight: 400; color: var(--muted); overflow-wrap: anywhere; }
table.attributes td { font-family: var(--mono); overflow-wrap: anywhere; white-space: pre-wrap; }
.v-number, .v-boolean { color: var(--t-agent); }
table.records th { color: var(--muted); font-weight: 500; }
.d-resource summary { cursor: pointer; font-size: 12px; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); }

@media (max-width: 1100px) {
  .layout { grid-template-columns: 1fr; }
  .sessions, .detail { position: static; max-height: none; }
}
@media print {
  .detail, .sessions { display: none; }
  .layout { grid-template-columns: 1fr; }
  .verify-report[open] pre { max-height: none; }
}
`;
