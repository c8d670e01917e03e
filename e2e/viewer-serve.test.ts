// SPDX-License-Identifier: Apache-2.0
// `langchain-otel-audit serve` on the real stack's audit directory, in Debian's headless Chromium: apps export to
// the collector, the collector writes its JSONL files, and the open page shows each new trace by itself (it
// reloads when the files change), keeping the run a reader selected.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../collector-config/scripts/stack.mjs";
import { AUDIT_CLI } from "./support/audit-cli.ts";
import { ARTIFACTS, Browser } from "./support/browser.ts";
import { otlpAppEnv, runNode } from "./support/child.ts";
import { readFileSpans, type FileSpan } from "./support/otlp-files.ts";
import { pollUntil, pollUntilStable } from "./support/poll.ts";
import { useStack } from "./support/stack.ts";

const stack = useStack("viewer");
let browser: Browser;
let server: ChildProcess;
let url: string;

beforeAll(async () => {
  browser = await Browser.launch({ width: 1440, height: 1000 });
  server = spawn(process.execPath, [AUDIT_CLI, "serve", stack.paths.auditDir], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] });
  url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`serve printed no address: ${out}`)), 20_000);
    server.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const found = / at (http:\/\/127\.0\.0\.1:\d+\/) /.exec(out)?.[1];
      if (found !== undefined) {
        clearTimeout(timer);
        resolve(found);
      }
    });
  });
}, 60_000);

afterAll(async () => {
  if (server?.exitCode === null) {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGINT");
    await exited;
  }
  await browser?.close();
});

/** Runs an example exporting over OTLP to the collector; resolves when its spans are all in traces.jsonl. */
async function exportExample(name: string): Promise<FileSpan[]> {
  const before = new Set(readFileSpans(stack.paths.tracesFile).map((s) => s.spanId));
  const app = await runNode(["--import", "@langchain-otel/node/register", "src/main.mjs"], {
    cwd: path.join(REPO_ROOT, "examples", name),
    env: otlpAppEnv(`viewer-${name}`),
    timeoutMillis: 60_000,
  });
  expect(app.code, app.stderr).toBe(0);
  const { value } = await pollUntilStable(
    () => readFileSpans(stack.paths.tracesFile).filter((s) => !before.has(s.spanId)),
    (found) => String(found.length),
    { timeoutMillis: 20_000, quietMillis: 1000, ready: (found) => found.length > 0 },
  );
  return value ?? [];
}

/** "name <- parent name" per row the page shows, sorted; and the same from spans. */
const shownEdges = () =>
  browser.evaluate<string[]>(`Array.from(document.querySelectorAll(".run")).map((r) => {
    const parent = r.dataset.parentSpanId === "" ? null : document.querySelector('.run[data-span-id="' + r.dataset.parentSpanId + '"]');
    return r.querySelector(".name-text").textContent + " <- " + (parent ? parent.querySelector(".name-text").textContent : "(root)"); }).sort()`);
function fileEdges(spans: FileSpan[]): string[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  return spans.map((s) => `${s.name} <- ${byId.get(s.parentSpanId ?? "")?.name ?? "(root)"}`).sort();
}

/** Waits (at most 20 s) until the page shows exactly these rows: it reloads itself within 2 s of a change. */
async function pageShows(expected: string[]): Promise<string[] | undefined> {
  const { value } = await pollUntil(shownEdges, (rows) => JSON.stringify(rows) === JSON.stringify(expected), { timeoutMillis: 20_000 });
  return value;
}

/**
 * Waits (at most 20 s) until the page has loaded the files as they are now: loading finished and its fingerprint is
 * the one the server gives for the files. The collector writes an app's logs and metrics after its spans, so the page
 * can still be about to reload when its rows already match; a click then lands on a page on its way out (the reload
 * keeps the URL it started with, not the hash the click wrote), and an evaluation can see a page half parsed.
 */
async function pageCurrent(): Promise<boolean> {
  const { satisfied } = await pollUntil(
    async () => {
      const served = await (await fetch(new URL("fingerprint", url))).text();
      const shown = await browser.evaluate<string>(`document.readyState === "complete" ? document.body.dataset.fingerprint : ""`);
      return served === shown;
    },
    (same) => same,
    { timeoutMillis: 20_000 },
  );
  return satisfied;
}

describe("serve on the local stack's audit directory, in Chromium", () => {
  it("shows each new trace by itself, as the collector writes it, and keeps the selected run", async () => {
    await browser.goto(url);
    expect(await browser.evaluate(`document.querySelectorAll(".run").length`)).toBe(0);
    expect(await browser.evaluate(`document.querySelector(".live").textContent`)).toBe("● live");

    const quickstart = await exportExample("quickstart");
    expect(await pageShows(fileEdges(quickstart))).toEqual(fileEdges(quickstart));
    expect(await pageCurrent()).toBe(true);
    const chat = quickstart.find((s) => s.name.startsWith("chat "))!;
    await browser.click(`.run[data-span-id="${chat.spanId}"]`);
    expect(await browser.evaluate(`location.hash`)).toBe(`#run=${chat.traceId}%3A${chat.spanId}`);

    const agent = await exportExample("tool-agent");
    const all = [...quickstart, ...agent];
    expect(await pageShows(fileEdges(all))).toEqual(fileEdges(all));
    expect(await pageCurrent()).toBe(true);
    expect(
      await browser.evaluate(`[document.querySelectorAll("article.trace").length, document.querySelector(".run.selected").dataset.spanId,
        document.querySelector("aside.detail h2").textContent, document.querySelector("#verify").dataset.verdict]`),
    ).toEqual([3, chat.spanId, chat.name, "ok"]);
    expect(browser.problems).toEqual([]);
    // Only the page and its fingerprint polls, from the page's own origin.
    expect(browser.requests.filter((r) => !r.startsWith(url))).toEqual([]);
    await browser.screenshot(path.join(ARTIFACTS, "serve-stack.png"));
  });
});
