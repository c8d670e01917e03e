// SPDX-License-Identifier: Apache-2.0
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SpanStatusCode } from "@opentelemetry/api";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  assertBuilt,
  cleanEnv,
  createFixtureApp,
  printed,
  readFileSpans,
  renderFileTree,
  runNode,
  spanIdOf,
  traceIdOf,
  type FileSpan,
} from "./helpers.js";

// Real apps in child processes, started the way users start them, against the built package (dist).

interface Run {
  name: string;
  runId: string;
  parentRunId: string | null;
}

let app: { dir: string; remove(): void };
let auditDir: string;

beforeAll(() => {
  assertBuilt();
  app = createFixtureApp();
});
afterAll(() => app?.remove());
afterEach(() => rmSync(auditDir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}, onLine?: Parameters<typeof runNode>[1]["onLine"]) {
  auditDir = mkdtempSync(path.join(tmpdir(), "register-"));
  return runNode(args, { cwd: app.dir, env: cleanEnv({ LANGCHAIN_OTEL_AUDIT_DIR: auditDir, ...env }), onLine });
}

const spansInAuditFile = (): FileSpan[] => readFileSpans(path.join(auditDir, "traces.jsonl"));

/** The span tree of nested-runs.*: outer → inner, IDs from the run IDs the app's own callback saw. */
function expectNestedRunTree(stdout: string): void {
  const { result, runs } = printed<{ result: number; runs: Run[] }>(stdout, "runs");
  expect(result).toBe(3);
  const [outer, inner] = runs;
  expect(runs.map((r) => r.name)).toEqual(["outer", "inner"]);
  expect(inner!.parentRunId).toBe(outer!.runId);

  const spans = spansInAuditFile();
  expect(spans).toHaveLength(2);
  const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
  expect(byName.outer).toMatchObject({ traceId: traceIdOf(outer!.runId), spanId: spanIdOf(outer!.runId) });
  expect(byName.outer!.parentSpanId).toBeUndefined();
  expect(byName.inner).toMatchObject({
    traceId: traceIdOf(outer!.runId),
    spanId: spanIdOf(inner!.runId),
    parentSpanId: spanIdOf(outer!.runId),
  });
}

describe("the register entry", () => {
  it("node --import @langchain-otel/node/register app.mjs traces every run, the first one included", async () => {
    const child = await run(["--import", "@langchain-otel/node/register", "nested-runs.mjs"]);
    expect(child).toMatchObject({ code: 0, stderr: "" });
    expectNestedRunTree(child.stdout);
  });

  it("node --require @langchain-otel/node/register app.cjs traces every run, the first one included", async () => {
    const child = await run(["--require", "@langchain-otel/node/register", "nested-runs.cjs"]);
    expect(child).toMatchObject({ code: 0, stderr: "" });
    expectNestedRunTree(child.stdout);
  });

  it("either flag works with either kind of app", async () => {
    let child = await run(["--require", "@langchain-otel/node/register", "nested-runs.mjs"]);
    expect(child).toMatchObject({ code: 0, stderr: "" });
    expectNestedRunTree(child.stdout);
    child = await run(["--import", "@langchain-otel/node/register", "nested-runs.cjs"]);
    expect(child).toMatchObject({ code: 0, stderr: "" });
    expectNestedRunTree(child.stdout);
  });

  it.each([["--import"], ["--require"]])("%s: a bad setting stops the app with one line on stderr and exit code 1", async (flag) => {
    const child = await run([flag, "@langchain-otel/node/register", "nested-runs.mjs"], { LANGCHAIN_OTEL_CONTENT_POLICY: "fulll" });
    expect(child).toEqual({
      code: 1,
      signal: null,
      stdout: "",
      stderr: '[langchain-otel] LANGCHAIN_OTEL_CONTENT_POLICY="fulll" is not one of: redacted, full, none\n',
    });
  });

  it("LANGCHAIN_OTEL_DISABLED=true: the app runs untraced", async () => {
    const child = await run(["--import", "@langchain-otel/node/register", "nested-runs.mjs"], { LANGCHAIN_OTEL_DISABLED: "true" });
    expect(child).toMatchObject({ code: 0, stderr: "" });
    expect(printed<{ result: number }>(child.stdout, "result").result).toBe(3);
    expect(spansInAuditFile()).toEqual([]);
  });
});

describe("two copies of @langchain/core in one process", () => {
  it.each([["--import"], ["--require"]])("%s: the ESM and the CommonJS build are both traced, tool and model spans active", async (flag) => {
    const child = await run([flag, "@langchain-otel/node/register", "both-builds.mjs"]);
    expect(child).toMatchObject({ code: 0, stderr: "" });
    const { results, sameClass } = printed<{ results: Record<string, string>; sameClass: boolean }>(child.stdout, "results");
    expect(sameClass).toBe(false);
    expect(results).toEqual({ esm: "probed x / ok", cjs: "probed x / ok" });
    expect(renderFileTree(spansInAuditFile())).toBe(
      [
        "app esm",
        "  execute_tool probe_esm",
        "    tool body esm",
        "  chat ProviderModel",
        "    provider call esm",
        "app cjs",
        "  execute_tool probe_cjs",
        "    tool body cjs",
        "  chat ProviderModel",
        "    provider call cjs",
      ].join("\n"),
    );
  });
});

describe("a new user's mixed app (chain, tool, stream, failing tool, LangGraph)", () => {
  it("one span per run with the run's ID and parent; outputs and the app's own callback events unchanged", async () => {
    const untraced = await run(["mixed-app.mjs"]);
    rmSync(auditDir, { recursive: true, force: true });
    const traced = await run(["--import", "@langchain-otel/node/register", "mixed-app.mjs"]);
    expect(traced).toMatchObject({ code: 0, stderr: "" });
    expect(untraced).toMatchObject({ code: 0, stderr: "" });
    type Printed = { outputs: unknown; events: string[]; runs: Record<string, { name: string; parentRunId: string | null }> };
    const withUs = printed<Printed>(traced.stdout, "outputs");
    const withoutUs = printed<Printed>(untraced.stdout, "outputs");
    expect(withUs.outputs).toEqual({
      chain: "answer one",
      tool: "policy for returns",
      stream: "streamed",
      failing: "Error: backend down",
      graph: { n: 2 },
    });
    expect(withUs.outputs).toEqual(withoutUs.outputs);
    expect(withUs.events).toEqual(withoutUs.events);

    const spans = spansInAuditFile();
    const runSpans = spans.filter((s) => s.attributes?.some((a) => a.key === "langchain.run_id"));
    const runIds = Object.keys(withUs.runs);
    expect(runSpans.map((s) => s.spanId).sort()).toEqual(runIds.map(spanIdOf).sort());
    for (const [runId, { parentRunId }] of Object.entries(withUs.runs)) {
      const span = runSpans.find((s) => s.spanId === spanIdOf(runId))!;
      if (parentRunId === null) {
        expect(span.parentSpanId).toBeUndefined();
        expect(span.traceId).toBe(traceIdOf(runId));
      } else {
        expect(span.parentSpanId).toBe(spanIdOf(parentRunId));
      }
    }
    const inside = spans.find((s) => s.name === "inside lookup")!;
    expect(spans.find((s) => s.spanId === inside.parentSpanId)!.name).toBe("execute_tool lookup");
    // The default content policy (redacted) keeps the error message; it holds nothing to redact.
    expect(spans.find((s) => s.name === "execute_tool broken")!.status).toEqual({ code: SpanStatusCode.ERROR, message: "backend down" });
  });
});

describe("an SDK the app builds itself (NodeSDK + RunIdGenerator + LangChainInstrumentation)", () => {
  it.each([["user-sdk.mjs"], ["user-sdk.cjs"]])("%s", async (entry) => {
    const child = await run([entry]);
    expect(child).toMatchObject({ code: 0, stderr: "" });
    expectNestedRunTree(child.stdout);
  });
});

describe("SIGTERM", () => {
  /** Runs long-run.mjs and sends SIGTERM once both of its runs have started. */
  function terminateMidRun(env: Record<string, string> = {}) {
    return run(["--import", "@langchain-otel/node/register", "long-run.mjs"], env, (line, child) => {
      if (line.includes('"runs"')) child.kill("SIGTERM");
    });
  }

  function expectFinishedAndAbandonedRuns(stdout: string): void {
    const { runs } = printed<{ runs: Run[] }>(stdout, "runs");
    const [quick, slow] = runs;
    const spans = spansInAuditFile();
    expect(spans.map((s) => [s.name, s.spanId]).sort()).toEqual([
      ["quick", spanIdOf(quick!.runId)],
      ["slow", spanIdOf(slow!.runId)],
    ]);
    expect(spans.find((s) => s.name === "quick")!.status).toEqual({});
    expect(spans.find((s) => s.name === "slow")!.status.code).toBe(SpanStatusCode.ERROR);
  }

  it("flushes, ends the open run's span as ERROR, then dies of SIGTERM as it would have", async () => {
    const child = await terminateMidRun();
    expect(child).toMatchObject({ code: null, signal: "SIGTERM", stderr: "" });
    expect(child.stdout).not.toContain("finished");
    expectFinishedAndAbandonedRuns(child.stdout);
  });

  it("when the app listens to SIGTERM itself, only flushes and leaves the exit to the app", async () => {
    const child = await terminateMidRun({ APP_SIGTERM_HANDLER: "1" });
    expect(child).toMatchObject({ code: 0, signal: null, stderr: "" });
    expect(printed<{ appHandler: string }>(child.stdout, "appHandler").appHandler).toBe("done");
    expectFinishedAndAbandonedRuns(child.stdout);
  });
});
