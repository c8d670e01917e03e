// SPDX-License-Identifier: Apache-2.0
// The HTML report in a real browser (Debian's headless Chromium): what a reviewer sees and clicks, asserted on the
// DOM, with screenshots kept in artifacts/viewer/ (git-ignored; CI keeps them).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../collector-config/scripts/stack.mjs";
import { INSTANCE, writeReviewTrail, writeStandardTrail } from "../packages/audit-cli/test/scenario.ts";
import { auditCli } from "./support/audit-cli.ts";
import { ARTIFACTS, Browser } from "./support/browser.ts";
import { runNode } from "./support/child.ts";

let browser: Browser;
let workDir: string;

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), "viewer-report-"));
  browser = await Browser.launch({ width: 1440, height: 1000 });
});
afterAll(async () => {
  await browser?.close();
  rmSync(workDir, { recursive: true, force: true });
});

/** `report --html` of `dir` as a user runs it; returns the page's file URL. */
async function report(dir: string, name: string): Promise<string> {
  const out = path.join(workDir, `${name}.html`);
  const run = await auditCli(["report", "--html", out, dir]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return pathToFileURL(out).href;
}

interface Row {
  name: string;
  depth: number;
  status: string;
  spanId: string;
  parent: string;
}

/** The waterfall rows of every trace article, as the DOM has them. */
function rows(): Promise<Record<string, Row[]>> {
  return browser.evaluate(`Object.fromEntries(Array.from(document.querySelectorAll("article.trace")).map((a) => [a.dataset.traceId,
    Array.from(a.querySelectorAll(".run")).map((r) => ({ name: r.querySelector(".name-text").textContent, depth: Number(r.dataset.depth),
      status: r.dataset.status, spanId: r.dataset.spanId, parent: r.dataset.parentSpanId }))]))`);
}

describe("report --html in Chromium", () => {
  it("shows the verdict, the loss record, one row per run as a tree, the error row, and a run's details on click", async () => {
    const dir = path.join(workDir, "review");
    await writeReviewTrail(dir);
    const url = await report(dir, "review");
    await browser.goto(url);

    // Self-contained: the file itself is the only request, and the page raised no error (CSP included).
    expect(browser.requests).toEqual([url]);
    expect(browser.problems).toEqual([]);

    expect(
      await browser.evaluate(`(() => { const b = document.querySelector("#verify"); return { verdict: b.dataset.verdict, title: b.querySelector("h2").textContent,
        mark: getComputedStyle(b.querySelector(".banner-mark")).backgroundColor,
        problems: Array.from(b.querySelectorAll(".problems li")).map((li) => li.textContent), signed: b.querySelector(".signing").dataset.signed,
        top: b.getBoundingClientRect().top < document.querySelector(".layout").getBoundingClientRect().top }; })()`),
    ).toEqual({
      verdict: "failed",
      title: "Verification failed",
      mark: "rgb(196, 35, 27)",
      problems: [
        `run 019ab3c6-0000-7000-8000-00000000cccc (chain "triage") started at ${path.join(dir, "logs.jsonl")}:3 and never ended`,
        // A loss the writing process recorded fails verification too (issue 8): the reviewer sees it among the problems.
        `recorded loss in traces of ${INSTANCE}: ${path.join(dir, "logs.jsonl")}:3: lost by the writing process, never written: 512 spans (queue_full, seq 7..518)`,
      ],
      signed: "no",
      top: true,
    });
    expect(await browser.evaluate(`Array.from(document.querySelectorAll("#losses .loss")).map((l) => l.textContent.replace(/\\s+/g, " ").trim())`)).toEqual([
      expect.stringContaining(
        `${path.join(dir, "logs.jsonl")}:3 512 spans lost before they were written (audit.seq 7–518 of this process's traces chain): queue_full`,
      ),
    ]);

    const agent = "a1b2c3d4e5f60718";
    expect(await rows()).toEqual({
      "019ab3c4d5e67f00a1b2c3d4e5f60718": [
        { name: "support_agent", depth: 0, status: "ok", spanId: agent, parent: "" },
        { name: "chat gpt-4o-mini", depth: 1, status: "ok", spanId: "b1b2c3d4e5f60001", parent: agent },
        { name: "execute_tool lookup_policy", depth: 1, status: "error", spanId: "b1b2c3d4e5f60002", parent: agent },
        { name: "chat gpt-4o-mini", depth: 1, status: "ok", spanId: "b1b2c3d4e5f60003", parent: agent },
      ],
      "019ab3c500007000800000000000aaaa": [{ name: "chat gpt-4o-mini", depth: 0, status: "ok", spanId: "800000000000aaaa", parent: "" }],
      "019ab3c600007000800000000000cccc": [
        { name: "triage", depth: 0, status: "open", spanId: "800000000000cccc", parent: "" },
        { name: "chat gpt-4o-mini", depth: 1, status: "ok", spanId: "800000000000dddd", parent: "800000000000cccc" },
      ],
    });

    // Readable at a reviewer's 1440 px: the timeline's labels stay apart (each ends before the next begins).
    expect(
      await browser.evaluate(`Array.from(document.querySelectorAll(".wf-axis")).flatMap((axis) => {
        const r = Array.from(axis.querySelectorAll(".tick")).map((t) => t.getBoundingClientRect());
        return r.slice(1).filter((b, i) => b.left < r[i].right + 4).map(() => axis.closest("article").dataset.traceId); })`),
    ).toEqual([]);

    // The error row stands out: red tint, red name, a red pill naming the error type.
    expect(
      await browser.evaluate(`(() => { const style = (el) => getComputedStyle(el); const bad = document.querySelector(".run.s-error"); const good = document.querySelector(".run.s-ok");
        return { errors: document.querySelectorAll(".run.s-error").length, name: bad.querySelector(".name-text").textContent, pill: bad.querySelector(".pill").textContent,
          pillColor: style(bad.querySelector(".pill")).backgroundColor, tinted: style(bad).backgroundColor !== style(good).backgroundColor,
          redName: style(bad.querySelector(".name-text")).color !== style(good.querySelector(".name-text")).color }; })()`),
    ).toEqual({ errors: 1, name: "execute_tool lookup_policy", pill: "ToolError", pillColor: "rgb(196, 35, 27)", tinted: true, redName: true });

    // Click the failed tool: its details in the side panel, the payload's markup shown as text.
    await browser.click('.run[data-span-id="b1b2c3d4e5f60002"]');
    expect(
      await browser.evaluate(`(() => { const d = document.querySelector("aside.detail .detail-body"); return { name: d.querySelector("h2").textContent, pill: d.querySelector(".pill").textContent,
        message: d.querySelector(".status-message").textContent, payload: d.querySelector('.payload[data-key="langchain.inputs"] pre').textContent,
        injected: d.querySelectorAll("img").length, records: Array.from(d.querySelectorAll("table.records tbody tr")).map((tr) => Array.from(tr.cells).slice(0, 2).map((c) => c.textContent)),
        selected: Array.from(document.querySelectorAll(".run.selected")).map((r) => r.dataset.spanId), hash: location.hash }; })()`),
    ).toEqual({
      name: "execute_tool lookup_policy",
      pill: "error · ToolError",
      message: "ToolError: failed",
      payload: '{\n  "query": "<img src=x onerror=alert(1)></script>"\n}',
      injected: 0,
      records: [
        ["start", "4"],
        ["error", "5"],
      ],
      selected: ["b1b2c3d4e5f60002"],
      hash: "#run=019ab3c4d5e67f00a1b2c3d4e5f60718%3Ab1b2c3d4e5f60002",
    });
    await browser.screenshot(path.join(ARTIFACTS, "report-review.png"), { top: true });

    // The agent: its redaction counts and cost per model call.
    await browser.click(`.run[data-span-id="${agent}"]`);
    expect(await browser.evaluate(`Array.from(document.querySelectorAll("aside.detail .redactions li")).map((li) => li.textContent)`)).toEqual(["card_number1", "email2"]);
    expect(await browser.evaluate(`Array.from(document.querySelectorAll(".run-cost")).map((c) => c.textContent)`)).toEqual(["", "$0.0000288", "", "$0.0000390"]);

    // Keyboard: down moves the selection to the next run.
    await browser.press("ArrowDown");
    expect(await browser.evaluate(`document.querySelector(".run.selected").dataset.spanId`)).toBe("b1b2c3d4e5f60001");

    // A session: only its traces; the hash keeps it across a reload.
    await browser.click('.session-item[data-session="s-2"]');
    expect(await browser.evaluate(`Array.from(document.querySelectorAll("article.trace:not([hidden])")).map((a) => a.dataset.session)`)).toEqual(["s-2"]);
    await browser.goto("about:blank");
    await browser.goto(url + "#session=s-3");
    expect(await browser.evaluate(`Array.from(document.querySelectorAll("article.trace:not([hidden])")).map((a) => a.dataset.session)`)).toEqual(["s-3"]);
    expect(browser.problems).toEqual([]);
  });

  it("says so when the trail verifies", async () => {
    const dir = path.join(workDir, "clean");
    await writeStandardTrail(dir);
    await browser.goto(await report(dir, "clean"));
    expect(
      await browser.evaluate(`(() => { const b = document.querySelector("#verify"); return [b.dataset.verdict, b.querySelector("h2").textContent,
        getComputedStyle(b.querySelector(".banner-mark")).backgroundColor, document.querySelectorAll(".run").length]; })()`),
    ).toEqual(["ok", "Trail verified", "rgb(18, 128, 92)", 5]);
  });

  it("draws a real app's trail: one row per span of traces.jsonl, parent edges as in the file", async () => {
    const auditDir = path.join(workDir, "tool-agent-audit");
    const env: NodeJS.ProcessEnv = { ...process.env, LANGCHAIN_OTEL_AUDIT_DIR: auditDir };
    for (const name of ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OPENAI_API_KEY", "LANGCHAIN_OTEL_CONTENT_POLICY", "NODE_OPTIONS"]) delete env[name];
    const app = await runNode(["--import", "@langchain-otel/node/register", "src/main.mjs"], { cwd: path.join(REPO_ROOT, "examples", "tool-agent"), env, timeoutMillis: 60_000 });
    expect(app.code).toBe(0);

    // Expected from the file itself: every span, with its parent when that is in the file.
    const spans: Array<{ traceId: string; spanId: string; parentSpanId?: string; name: string; status?: { code?: number } }> = readFileSync(path.join(auditDir, "traces.jsonl"), "utf8")
      .split("\n")
      .filter((l) => l !== "")
      .flatMap((l) => JSON.parse(l).resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans)));
    const ids = new Set(spans.map((s) => s.spanId));
    const edges = (list: Array<{ spanId: string; parent: string; name: string }>) => list.map((s) => `${s.name} ${s.spanId} <- ${s.parent}`).sort();

    await browser.goto(await report(auditDir, "tool-agent"));
    const shown = Object.values(await rows()).flat();
    expect(edges(shown)).toEqual(edges(spans.map((s) => ({ spanId: s.spanId, name: s.name, parent: s.parentSpanId && ids.has(s.parentSpanId) ? s.parentSpanId : "" }))));
    expect(shown.filter((r) => r.status === "error").map((r) => r.name)).toEqual(spans.filter((s) => s.status?.code === 2).map((s) => s.name));
    expect(shown.filter((r) => r.status === "error").map((r) => r.name)).toEqual(["execute_tool refund_order"]);
    expect(await browser.evaluate(`document.querySelector("#verify").dataset.verdict`)).toBe("ok");
    expect(browser.problems).toEqual([]);
    // Every run's name whole (none cut with an ellipsis), down to the model calls inside the graph's nodes.
    expect(await browser.evaluate(`Array.from(document.querySelectorAll(".name-text")).filter((n) => n.scrollWidth > n.clientWidth).map((n) => n.textContent)`)).toEqual([]);

    await browser.click(".run.s-error");
    await browser.screenshot(path.join(ARTIFACTS, "report-tool-agent.png"));
    await browser.screenshot(path.join(ARTIFACTS, "report-tool-agent-full.png"), { fullPage: true });
  });
});
