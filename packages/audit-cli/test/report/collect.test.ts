// SPDX-License-Identifier: Apache-2.0
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { collectTrailView } from "../../src/report/collect.js";
import type { RunView, TrailView } from "../../src/report/model.js";
import { expandPaths } from "../../src/trail/paths.js";
import { removeTempDirs, tempDir } from "../cli.js";
import { CHAIN, INSTANCE, writeReviewTrail } from "../scenario.js";
import { T0 } from "../trail.js";

afterEach(removeTempDirs);

const ns = (ms: number) => BigInt(T0 + ms) * 1_000_000n;
const NOW = () => new Date(Date.UTC(2026, 10, 25));

async function view(dir: string, options: Parameters<typeof collectTrailView>[2] = {}): Promise<TrailView> {
  return collectTrailView([dir], await expandPaths([dir]), { now: NOW, ...options });
}

/** What a waterfall row says, in order. */
function rows(runs: readonly RunView[]) {
  return runs.map((r) => ({ name: r.name, depth: r.depth, spanId: r.spanId, parent: r.parentSpanId, status: r.status, error: r.errorType }));
}

describe("collectTrailView", () => {
  it("rebuilds sessions, traces and run trees from spans and audit records", async () => {
    const dir = tempDir();
    await writeReviewTrail(dir);
    const v = await view(dir);

    expect(v.generatedAt).toBe("2026-11-25T00:00:00.000Z");
    expect({ files: v.files, selection: v.selection, omitted: v.omitted, malformed: v.malformed, checkpoints: v.checkpoints }).toEqual({
      files: 2,
      selection: undefined,
      omitted: { traces: 0, runs: 0 },
      malformed: 0,
      checkpoints: 0,
    });
    expect(v.sessions.map((s) => ({ ...s }))).toEqual([
      { id: "s-1", user: "u-1", tenant: "t-1", firstNanos: ns(0), lastNanos: ns(40), traceIds: ["019ab3c4d5e67f00a1b2c3d4e5f60718"], runCount: 4, errorCount: 1, inputTokens: 280, outputTokens: 43, cost: 0.0000288 + 0.000039 },
      { id: "s-2", user: "u-2", tenant: "t-2", firstNanos: ns(60_000), lastNanos: ns(60_500), traceIds: ["019ab3c500007000800000000000aaaa"], runCount: 1, errorCount: 0, inputTokens: 10, outputTokens: 5, cost: undefined },
      // The root never ended: its start record counts it, its model call's span gives the tokens.
      { id: "s-3", user: "u-3", tenant: undefined, firstNanos: ns(120_000), lastNanos: ns(120_400), traceIds: ["019ab3c600007000800000000000cccc"], runCount: 2, errorCount: 0, inputTokens: 30, outputTokens: 9, cost: undefined },
    ]);

    expect(v.traces.map((t) => [t.traceId, t.session, t.startNanos, t.endNanos, t.runCount, t.errorCount, t.truncated])).toEqual([
      ["019ab3c4d5e67f00a1b2c3d4e5f60718", "s-1", ns(0), ns(40), 4, 1, false],
      ["019ab3c500007000800000000000aaaa", "s-2", ns(60_000), ns(60_500), 1, 0, false],
      ["019ab3c600007000800000000000cccc", "s-3", ns(120_000), ns(120_400), 2, 0, false],
    ]);
    expect(rows(v.traces[0]!.runs)).toEqual([
      { name: "support_agent", depth: 0, spanId: "a1b2c3d4e5f60718", parent: "", status: "ok", error: undefined },
      { name: "chat gpt-4o-mini", depth: 1, spanId: "b1b2c3d4e5f60001", parent: "a1b2c3d4e5f60718", status: "ok", error: undefined },
      { name: "execute_tool lookup_policy", depth: 1, spanId: "b1b2c3d4e5f60002", parent: "a1b2c3d4e5f60718", status: "error", error: "ToolError" },
      { name: "chat gpt-4o-mini", depth: 1, spanId: "b1b2c3d4e5f60003", parent: "a1b2c3d4e5f60718", status: "ok", error: undefined },
    ]);
    expect(rows(v.traces[2]!.runs)).toEqual([
      { name: "triage", depth: 0, spanId: "800000000000cccc", parent: "", status: "open", error: undefined },
      { name: "chat gpt-4o-mini", depth: 1, spanId: "800000000000dddd", parent: "800000000000cccc", status: "ok", error: undefined },
    ]);
    expect(v.traces[2]!.runs.map((r) => [r.fromSpan, r.kind, r.startNanos, r.endNanos])).toEqual([
      [false, undefined, ns(120_000), 0n],
      [true, "CLIENT", ns(120_010), ns(120_400)],
    ]);

    expect(v.verify.ok).toBe(false);
    expect(v.verify.unmatchedStarts.map((s) => s.runId)).toEqual(["019ab3c6-0000-7000-8000-00000000cccc"]);
    expect(v.lossCount).toBe(1);
    expect(v.losses).toEqual([
      {
        timeNanos: ns(130_000),
        instance: INSTANCE,
        body: "512 spans lost before they were written (audit.seq 7–518 of this process's traces chain): queue_full",
        attributes: [
          ["audit.chain", CHAIN],
          ["audit.hash", expect.stringMatching(/^[0-9a-f]{64}$/)],
          ["audit.loss.count", 512],
          ["audit.loss.first_seq", 7],
          ["audit.loss.last_seq", 518],
          ["audit.loss.reason", "queue_full"],
          ["audit.loss.signal", "traces"],
          ["audit.seq", 14],
        ],
        file: path.join(dir, "logs.jsonl"),
        line: 3,
      },
    ]);
  });

  it("gives each run its payloads, redaction counts, cost, tokens, events and audit records", async () => {
    const dir = tempDir();
    await writeReviewTrail(dir);
    const [agent, chat, tool] = (await view(dir)).traces[0]!.runs;
    const logs = path.join(dir, "logs.jsonl");

    expect(agent!.payloads).toEqual([
      { key: "langchain.inputs", value: '{"question":"Can I get a refund for order 1234?"}', sizeBytes: undefined, sha256: undefined, truncated: false },
      { key: "langchain.outputs", value: '{"answer":"Yes: refunds within 30 days."}', sizeBytes: undefined, sha256: undefined, truncated: false },
    ]);
    expect(agent!.redactions).toEqual([
      ["card_number", 1],
      ["email", 2],
    ]);
    expect(agent!.attributes.map(([k]) => k)).toEqual([
      "audit.chain",
      "audit.hash",
      "audit.seq",
      "langchain.run_id",
      "langchain.run_name",
      "langchain.run_type",
      "session.id",
      "tenant.id",
      "user.id",
    ]);
    expect(agent!.resource).toEqual([
      ["service.instance.id", INSTANCE],
      ["service.name", "support-bot"],
    ]);
    expect([chat!.model, chat!.inputTokens, chat!.outputTokens, chat!.cost, chat!.kind]).toEqual(["gpt-4o-mini", 120, 18, 0.0000288, "CLIENT"]);

    expect([tool!.status, tool!.errorType, tool!.statusMessage, tool!.cost]).toEqual(["error", "ToolError", "ToolError: failed", undefined]);
    expect(tool!.events).toEqual([{ name: "exception", timeNanos: ns(15), attributes: [["exception.type", "ToolError"]] }]);
    expect(tool!.records).toEqual([
      { event: "langchain.run.start", timeNanos: ns(12), instance: INSTANCE, seq: 4, file: logs, line: 1 },
      { event: "langchain.run.error", timeNanos: ns(15), instance: INSTANCE, seq: 5, file: logs, line: 1 },
    ]);
  });

  it("keeps to a selection, and to the run limit with the newest traces", async () => {
    const dir = tempDir();
    await writeReviewTrail(dir);

    const session = await view(dir, { selection: { kind: "session", id: "s-2" } });
    expect(session.traces.map((t) => t.traceId)).toEqual(["019ab3c500007000800000000000aaaa"]);
    expect(session.sessions.map((s) => s.id)).toEqual(["s-1", "s-2", "s-3"]);
    expect(session.omitted).toEqual({ traces: 0, runs: 0 });

    const trace = await view(dir, { selection: { kind: "trace", id: "019ab3c600007000800000000000cccc" } });
    expect(trace.traces.map((t) => t.runs.length)).toEqual([2]);

    // 3 runs fit: the two newest traces (1 + 2 runs); the agent's 4 runs are left out and counted.
    const limited = await view(dir, { maxRuns: 3 });
    expect(limited.traces.map((t) => t.session)).toEqual(["s-2", "s-3"]);
    expect(limited.omitted).toEqual({ traces: 1, runs: 4 });

    // A trace larger than the limit alone is kept, cut to the limit.
    const cut = await view(dir, { maxRuns: 2, selection: { kind: "session", id: "s-1" } });
    expect(cut.traces.map((t) => [t.runs.length, t.truncated])).toEqual([[2, true]]);
    expect(cut.omitted).toEqual({ traces: 0, runs: 2 });
  });
});
