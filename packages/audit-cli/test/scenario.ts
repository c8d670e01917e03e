import type { RunSpec } from "./trail.js";
import { TrailWriter } from "./trail.js";

export const INSTANCE = "3f1c9a52-0d7e-4b8a-9c61-2e5f7a8b9c0d";

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

/** Writes the runs, one traces line and one logs line per group, in `dir` (traces.jsonl, logs.jsonl). */
export async function writeTrail(dir: string, groups: readonly (readonly RunSpec[])[], instance = INSTANCE): Promise<TrailWriter> {
  const writer = new TrailWriter(dir, instance);
  for (const group of groups) {
    for (const run of group) writer.run(run);
    await writer.flush();
  }
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
