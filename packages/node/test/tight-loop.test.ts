// SPDX-License-Identifier: Apache-2.0
// 200,000 runs in a loop that never yields to the event loop (fixtures/apps/tight-loop.mjs): no export timer fires
// until the loop is over, so the export queues fill many times over. By default a full queue spills to the audit
// file, synchronously, instead of dropping: every run has its span, its start and its end record, once each, and
// verify says OK with every chain complete.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_DIR, assertBuilt, attributeOf, cleanEnv, createFixtureApp, readFileLogRecords, readFileSpans, runNode, type FileAttributes } from "./helpers.js";

const AUDIT_CLI = path.join(PACKAGE_DIR, "..", "audit-cli", "dist", "bin.js");
const RUNS = 200_000;
/** About 1 ms a run with the trail on, on a loaded two-core machine; the child and the test share the budget. */
const BUDGET_MILLIS = 600_000;

let app: { dir: string; remove(): void };
beforeAll(() => {
  assertBuilt();
  app = createFixtureApp();
});
afterAll(() => app?.remove());

const seqOf = (attributes: FileAttributes): number => Number(attributeOf(attributes, "audit.seq"));

describe("a loop of 200,000 runs that never yields", { timeout: BUDGET_MILLIS }, () => {
  it("loses nothing by default: 200,000 spans, 200,000 start and 200,000 end records, seq 1..n, verify OK", async () => {
    const auditDir = path.join(app.dir, "audit");
    const child = await runNode(["--import", "@langchain-otel/node/register", "tight-loop.mjs"], {
      cwd: app.dir,
      env: cleanEnv({ LANGCHAIN_OTEL_AUDIT_DIR: auditDir, APP_RUNS: String(RUNS) }),
      timeoutMillis: BUDGET_MILLIS - 60_000,
    });
    // timerRan false: the loop really never let the event loop turn.
    expect([child.code, child.signal, child.stdout, child.stderr]).toEqual([0, null, `${JSON.stringify({ runs: RUNS, sum: (RUNS * (RUNS + 1)) / 2, timerRan: false })}\n`, ""]);

    const spans = readFileSpans(path.join(auditDir, "traces.jsonl"));
    const records = readFileLogRecords(path.join(auditDir, "logs.jsonl"));
    const count = (keys: string[]) => keys.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {});
    expect(count(spans.map((s) => `${s.name} ${s.status.code === 2 ? "ERROR" : "OK"}`))).toEqual({ "tight OK": RUNS });
    expect(count(records.map((r) => r.eventName ?? ""))).toEqual({ "langchain.run.start": RUNS, "langchain.run.end": RUNS });
    // Every seq once, in order: nothing dropped, nothing written twice.
    const inOrder = (seqs: number[]) => seqs.every((seq, i) => seq === i + 1);
    expect([inOrder(spans.map((s) => seqOf(s.attributes))), inOrder(records.map((r) => seqOf(r.attributes)))]).toEqual([true, true]);

    const verify = await runNode([AUDIT_CLI, "verify", "--json", auditDir], { cwd: app.dir, env: cleanEnv({}), timeoutMillis: 120_000 });
    const report = JSON.parse(verify.stdout) as { ok: boolean; problems: unknown };
    expect({ code: verify.code, ok: report.ok, problems: report.problems }).toEqual({
      code: 0,
      ok: true,
      problems: { gaps: 0, hashMismatches: 0, unverified: 0, malformedLines: 0, unmatchedStarts: 0, recordedLosses: 0 },
    });
  });
});
