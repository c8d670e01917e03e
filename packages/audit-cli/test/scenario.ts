// SPDX-License-Identifier: Apache-2.0
import type { RunSpec, Signing } from "./trail.js";
import { TrailWriter } from "./trail.js";

export const INSTANCE = "3f1c9a52-0d7e-4b8a-9c61-2e5f7a8b9c0d";
/** The `audit.chain` of every test trail's process. */
export const CHAIN = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

/** A support agent's run: a chat model call, a failing tool, a second model call. Session s-1, user u-1. */
export const AGENT_RUN: RunSpec = {
  id: "019ab3c4-d5e6-7f00-a1b2-c3d4e5f60718",
  name: "support_agent",
  type: "chain",
  start: 0,
  end: 40,
  session: "s-1",
  user: "u-1",
  tenant: "t-1",
  inputs: '{"question":"Can I get a refund for order 1234?"}',
  outputs: '{"answer":"Yes: refunds within 30 days."}',
  children: [
    { id: "019ab3c4-d5e6-7f00-b1b2-c3d4e5f60001", name: "ChatOpenAI", type: "llm", model: "gpt-4o-mini", start: 1, end: 11, tokens: [120, 18] },
    { id: "019ab3c4-d5e6-7f00-b1b2-c3d4e5f60002", name: "lookup_policy", type: "tool", start: 12, end: 15, error: "ToolError", inputs: '{"query":"refund"}' },
    { id: "019ab3c4-d5e6-7f00-b1b2-c3d4e5f60003", name: "ChatOpenAI", type: "llm", model: "gpt-4o-mini", start: 16, end: 38, tokens: [160, 25], outputs: "x".repeat(300) },
  ],
};

/** A second session: one model call, user u-2 of tenant t-2. */
export const SHORT_RUN: RunSpec = {
  id: "019ab3c5-0000-7000-8000-00000000aaaa",
  name: "ChatOpenAI",
  type: "llm",
  model: "gpt-4o-mini",
  start: 60_000,
  end: 60_500,
  session: "s-2",
  user: "u-2",
  tenant: "t-2",
  tokens: [10, 5],
};

/** A third session's model call, ten minutes in. */
export const LATE_RUN: RunSpec = { ...SHORT_RUN, id: "019ab3c5-0000-7000-8000-00000000bbbb", session: "s-3", start: 600_000, end: 600_900, tokens: [7, 3] };

/**
 * Writes the runs, one traces line and one logs line per group, in `dir` (traces.jsonl, logs.jsonl). With
 * `signing`, the chains are checkpointed and, unless `sealed` is false (a process killed), sealed at the end.
 */
export async function writeTrail(
  dir: string,
  groups: readonly (readonly RunSpec[])[],
  instance = INSTANCE,
  options: { signing?: Signing; sealed?: boolean } = {},
): Promise<TrailWriter> {
  const writer = new TrailWriter(dir, instance, { signing: options.signing });
  for (const group of groups) {
    for (const run of group) writer.run(run);
    await writer.flush();
  }
  if (options.signing !== undefined && options.sealed !== false) await writer.seal();
  await writer.close();
  return writer;
}

/**
 * The standard trail: the agent run (one traces line, one logs line), then the short run (a second line of
 * each). Traces: seq 1..4 | 5; logs: seq 1..8 | 9..10.
 */
export function writeStandardTrail(dir: string): Promise<TrailWriter> {
  return writeTrail(dir, [[AGENT_RUN], [SHORT_RUN]]);
}

/**
 * The agent run as a reviewer sees it in the HTML report: model calls with a cost, the agent's redaction counts,
 * a failing tool whose payload holds markup (it must show as text).
 */
export const PRICED_AGENT_RUN: RunSpec = {
  ...AGENT_RUN,
  attributes: { "langchain.redactions.email": 2, "langchain.redactions.card_number": 1 },
  children: [
    { ...AGENT_RUN.children![0]!, attributes: { "gen_ai.usage.cost": 0.0000288 } },
    { ...AGENT_RUN.children![1]!, inputs: '{"query":"<img src=x onerror=alert(1)></script>"}' },
    { ...AGENT_RUN.children![2]!, attributes: { "gen_ai.usage.cost": 0.000039 } },
  ],
};

/** A run the process died in: its root never ended (no span, a start record only); its model call did end. */
export const CRASHED_RUN: RunSpec = {
  id: "019ab3c6-0000-7000-8000-00000000cccc",
  name: "triage",
  type: "chain",
  start: 120_000,
  end: 121_000,
  session: "s-3",
  user: "u-3",
  open: true,
  children: [{ id: "019ab3c6-0000-7000-8000-00000000dddd", name: "ChatOpenAI", type: "llm", model: "gpt-4o-mini", start: 120_010, end: 120_400, tokens: [30, 9] }],
};

/**
 * The trail the report tests read: the priced agent run (session s-1), the short run (s-2), the crashed run (s-3)
 * and a loss record, each group one traces line and one logs line.
 */
export async function writeReviewTrail(dir: string): Promise<TrailWriter> {
  const writer = new TrailWriter(dir, INSTANCE);
  writer.run(PRICED_AGENT_RUN);
  await writer.flush();
  writer.run(SHORT_RUN);
  await writer.flush();
  writer.run(CRASHED_RUN);
  writer.record(
    "langchain.audit.loss",
    { "audit.loss.signal": "traces", "audit.loss.count": 512, "audit.loss.first_seq": 7, "audit.loss.last_seq": 518, "audit.loss.reason": "queue_full" },
    130_000,
    "512 spans lost before they were written (audit.seq 7–518 of this process's traces chain): queue_full",
  );
  await writer.flush();
  await writer.close();
  return writer;
}
